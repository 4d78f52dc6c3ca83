//! Amazon EC2 launch templates, and `RunInstances`.
//!
//! We model launch templates with numbered versions, a default version and a
//! latest one, named in requests by number, `$Latest` or `$Default`, through
//! `CreateLaunchTemplate`, `CreateLaunchTemplateVersion` (with
//! `SourceVersion`), `ModifyLaunchTemplate` (the default version),
//! `DescribeLaunchTemplates`, `DescribeLaunchTemplateVersions`,
//! `DeleteLaunchTemplate` and `RunInstances`. Of the template data we model
//! `ImageId`, `InstanceType`, `TagSpecifications` (for instances) and
//! `UserData`; EC2's other fields (key pairs, security groups, block
//! devices ...) are kept and shown back but change nothing. As in EC2,
//! creating a template checks little and answers with a `Warning` for values
//! that would fail at launch; launching then refuses them, including an AMI
//! whose architecture does not match the instance type's. Instances launched
//! from a template carry the tags `aws:ec2launchtemplate:id` and
//! `aws:ec2launchtemplate:version`, as in EC2. Launches through
//! `RunInstances` and Auto Scaling count against an on-demand vCPU quota.
//!
//! User data is kept on each instance, decoded from base64. Instances run no
//! real software, so user data executes nothing; but the workload models
//! read settings from it: a line `KEY=value`, as a shell script sets a
//! variable, is a setting that [`user_data_setting`] returns. An instance
//! whose user data sets `QUEUE=<queue name>` boots with the company's queue
//! consumer on that queue (see [`consumer_from_user_data`] and
//! [`crate::consumer`]); others run the idle workload. Not modelled:
//! deleting single versions, template tags beyond display, launch template
//! `Placement`, and spot or capacity reservations.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::calendar::format_iso8601;
use crate::catalogue::catalogue;
use crate::consumer::{Consumer, IDLE_WORKLOAD};
use crate::services::ec2::{Ec2, Instance, InstanceState, LaunchSpec};
use crate::services::AwsError;
use crate::world::{Env, ACCOUNT_ID};

/// Largest user data EC2 accepts, in bytes once decoded.
pub const MAX_USER_DATA_BYTES: usize = 16 * 1024;
/// Most launch templates the account may hold.
pub const MAX_TEMPLATES: usize = 500;
/// Most versions one launch template may have.
pub const MAX_VERSIONS: usize = 1_000;
/// Most instances one `RunInstances` call may launch.
pub const MAX_RUN_COUNT: u32 = 100;
/// The account's on-demand vCPU quota: `RunInstances` and Auto Scaling
/// launches fail with `VcpuLimitExceeded` past it. Pending and running
/// instances count, as in EC2.
pub const ON_DEMAND_VCPU_LIMIT: u32 = 512;

/// The fields of `LaunchTemplateData` EC2 accepts, for the CLI's error on
/// an unknown one. Only `ImageId`, `InstanceType`, `TagSpecifications` and
/// `UserData` have an effect here.
pub const DATA_FIELDS: &[&str] = &[
    "KernelId",
    "EbsOptimized",
    "IamInstanceProfile",
    "BlockDeviceMappings",
    "NetworkInterfaces",
    "ImageId",
    "InstanceType",
    "KeyName",
    "Monitoring",
    "Placement",
    "RamDiskId",
    "DisableApiTermination",
    "InstanceInitiatedShutdownBehavior",
    "UserData",
    "TagSpecifications",
    "SecurityGroupIds",
    "SecurityGroups",
    "CreditSpecification",
    "CpuOptions",
    "MetadataOptions",
    "DisableApiStop",
];

/// One version of a launch template.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LaunchTemplateVersion {
    pub version_number: u64,
    pub version_description: Option<String>,
    /// Unix seconds.
    pub create_time: i64,
    /// `LaunchTemplateData` as given, checked by [`parse_template_data`].
    pub data: Map<String, Value>,
}

impl LaunchTemplateVersion {
    /// The AMI the version launches, if it names one.
    pub fn image_id(&self) -> Option<&str> {
        self.data.get("ImageId").and_then(Value::as_str)
    }

    /// The instance type the version launches, if it names one.
    pub fn instance_type(&self) -> Option<&str> {
        self.data.get("InstanceType").and_then(Value::as_str)
    }

    /// The user data, decoded; `None` if absent or not valid base64 UTF-8.
    pub fn user_data(&self) -> Option<String> {
        self.data
            .get("UserData")
            .and_then(Value::as_str)
            .and_then(decode_user_data)
    }

    /// The tags the version puts on instances: its `TagSpecifications`
    /// entries for `ResourceType` `instance`.
    pub fn instance_tags(&self) -> BTreeMap<String, String> {
        let mut tags = BTreeMap::new();
        let specs = self.data.get("TagSpecifications").and_then(Value::as_array);
        for spec in specs.into_iter().flatten() {
            if spec.get("ResourceType").and_then(Value::as_str) != Some("instance") {
                continue;
            }
            let list = spec.get("Tags").and_then(Value::as_array);
            for tag in list.into_iter().flatten() {
                let key = tag.get("Key").and_then(Value::as_str);
                let value = tag.get("Value").and_then(Value::as_str).unwrap_or("");
                if let Some(key) = key {
                    tags.insert(key.to_string(), value.to_string());
                }
            }
        }
        tags
    }
}

/// A launch template and its versions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LaunchTemplate {
    pub launch_template_id: String,
    pub launch_template_name: String,
    /// Unix seconds.
    pub create_time: i64,
    pub default_version: u64,
    pub tags: Vec<(String, String)>,
    /// Oldest first; numbers start at 1 and are never reused.
    pub versions: Vec<LaunchTemplateVersion>,
}

impl LaunchTemplate {
    /// The highest version number.
    pub fn latest_version(&self) -> u64 {
        self.versions.last().map_or(0, |v| v.version_number)
    }

    /// The version a request names: a number, `$Latest` or `$Default`.
    /// Fails with EC2's error for an unknown or malformed version.
    pub fn version(&self, version: &str) -> Result<&LaunchTemplateVersion, AwsError> {
        let number = match version {
            "$Latest" => self.latest_version(),
            "$Default" => self.default_version,
            other => other.parse::<u64>().map_err(|_| {
                AwsError::new(
                    "InvalidLaunchTemplateId.VersionNotFound",
                    format!(
                        "Version '{other}' is not valid: use a version number, $Latest or \
                         $Default."
                    ),
                )
            })?,
        };
        self.versions
            .iter()
            .find(|v| v.version_number == number)
            .ok_or_else(|| {
                AwsError::new(
                    "InvalidLaunchTemplateId.VersionNotFound",
                    format!(
                        "Could not find launch template version {number} for the launch template \
                     with ID {}.",
                        self.launch_template_id
                    ),
                )
            })
    }
}

/// How a request names a launch template: by id or by name (exactly one),
/// and a version (`$Default` when left out).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TemplateSpecifier {
    pub id: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
}

impl TemplateSpecifier {
    /// By name, at a version.
    pub fn by_name(name: &str, version: Option<&str>) -> Self {
        TemplateSpecifier {
            id: None,
            name: Some(name.to_string()),
            version: version.map(str::to_string),
        }
    }

    /// The version asked for, `$Default` when none was given.
    pub fn version_or_default(&self) -> &str {
        self.version.as_deref().unwrap_or("$Default")
    }
}

/// The launch templates of the account.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LaunchTemplates {
    templates: Vec<LaunchTemplate>,
}

impl LaunchTemplates {
    /// Whether the account has no launch template.
    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
    }

    /// Every template, oldest first.
    pub fn all(&self) -> &[LaunchTemplate] {
        &self.templates
    }

    /// The template a request names. Fails as EC2 does for an unknown id or
    /// name, or when both or neither are given.
    pub fn find(&self, spec: &TemplateSpecifier) -> Result<&LaunchTemplate, AwsError> {
        match (&spec.id, &spec.name) {
            (Some(id), None) => self
                .templates
                .iter()
                .find(|t| &t.launch_template_id == id)
                .ok_or_else(|| {
                    AwsError::new(
                        "InvalidLaunchTemplateId.NotFound",
                        format!(
                            "The specified launch template, with template ID {id}, does not exist."
                        ),
                    )
                }),
            (None, Some(name)) => self
                .templates
                .iter()
                .find(|t| &t.launch_template_name == name)
                .ok_or_else(|| {
                    AwsError::new(
                        "InvalidLaunchTemplateName.NotFoundException",
                        format!(
                            "The specified launch template, with template name {name}, does not \
                             exist."
                        ),
                    )
                }),
            (Some(_), Some(_)) => Err(AwsError::new(
                "InvalidParameterCombination",
                "Specify either a launch template ID or a launch template name, not both.",
            )),
            (None, None) => Err(AwsError::new(
                "MissingParameter",
                "The request must contain the parameter LaunchTemplateName or LaunchTemplateId",
            )),
        }
    }

    /// The template and version a request names.
    pub fn resolve(
        &self,
        spec: &TemplateSpecifier,
    ) -> Result<(&LaunchTemplate, &LaunchTemplateVersion), AwsError> {
        let template = self.find(spec)?;
        Ok((template, template.version(spec.version_or_default())?))
    }

    fn find_mut(&mut self, spec: &TemplateSpecifier) -> Result<&mut LaunchTemplate, AwsError> {
        let id = self.find(spec)?.launch_template_id.clone();
        self.templates
            .iter_mut()
            .find(|t| t.launch_template_id == id)
            .ok_or_else(|| AwsError::new("InvalidLaunchTemplateId.NotFound", id))
    }

    /// Creates a template with version 1 from checked `data` (see
    /// [`parse_template_data`]). Fails with EC2's errors for a malformed or
    /// taken name and for user data that is not base64.
    pub fn create(
        &mut self,
        env: &mut Env,
        name: &str,
        data: Map<String, Value>,
        description: Option<String>,
        tags: Vec<(String, String)>,
    ) -> Result<&LaunchTemplate, AwsError> {
        check_template_name(name)?;
        check_user_data(&data)?;
        if self
            .templates
            .iter()
            .any(|t| t.launch_template_name == name)
        {
            return Err(AwsError::new(
                "InvalidLaunchTemplateName.AlreadyExistsException",
                format!("Launch template name already in use: {name}"),
            ));
        }
        if self.templates.len() >= MAX_TEMPLATES {
            return Err(AwsError::new(
                "LaunchTemplateLimitExceeded",
                format!("You've reached the limit of {MAX_TEMPLATES} launch templates."),
            ));
        }
        let now = env.unix_now();
        let template = LaunchTemplate {
            launch_template_id: format!("lt-{}", env.hex_id(17)),
            launch_template_name: name.to_string(),
            create_time: now,
            default_version: 1,
            tags,
            versions: vec![LaunchTemplateVersion {
                version_number: 1,
                version_description: description,
                create_time: now,
                data,
            }],
        };
        env.events
            .push(env.now(), "EC2", format!("Launch template {name} created"));
        self.templates.push(template);
        let last = self.templates.len() - 1;
        Ok(&self.templates[last])
    }

    /// Adds a version to a template: `data` alone, or laid over the data of
    /// `source_version` (a version number, `$Latest` or `$Default`), field by
    /// field, as EC2 does. Returns the template and the new version number.
    pub fn create_version(
        &mut self,
        env: &mut Env,
        spec: &TemplateSpecifier,
        source_version: Option<&str>,
        data: Map<String, Value>,
        description: Option<String>,
    ) -> Result<(&LaunchTemplate, u64), AwsError> {
        check_user_data(&data)?;
        let now = env.unix_now();
        let template = self.find_mut(spec)?;
        let mut merged = match source_version {
            Some(source) => template.version(source)?.data.clone(),
            None => Map::new(),
        };
        for (key, value) in data {
            merged.insert(key, value);
        }
        if template.versions.len() >= MAX_VERSIONS {
            return Err(AwsError::new(
                "VersionLimitExceeded",
                format!("A launch template may have at most {MAX_VERSIONS} versions here."),
            ));
        }
        let number = template.latest_version() + 1;
        template.versions.push(LaunchTemplateVersion {
            version_number: number,
            version_description: description,
            create_time: now,
            data: merged,
        });
        let name = template.launch_template_name.clone();
        env.events.push(
            env.now(),
            "EC2",
            format!("Launch template {name} version {number} created"),
        );
        Ok((self.find(spec)?, number))
    }

    /// Makes `version` (a number or `$Latest`) the template's default.
    pub fn set_default_version(
        &mut self,
        spec: &TemplateSpecifier,
        version: &str,
    ) -> Result<&LaunchTemplate, AwsError> {
        let template = self.find_mut(spec)?;
        let number = template.version(version)?.version_number;
        template.default_version = number;
        self.find(spec)
    }

    /// Deletes a template and all its versions. Instances and Auto Scaling
    /// groups that use it keep running; groups fail to launch from it.
    pub fn delete(&mut self, spec: &TemplateSpecifier) -> Result<LaunchTemplate, AwsError> {
        let id = self.find(spec)?.launch_template_id.clone();
        let at = self
            .templates
            .iter()
            .position(|t| t.launch_template_id == id);
        match at {
            Some(at) => Ok(self.templates.remove(at)),
            None => Err(AwsError::new("InvalidLaunchTemplateId.NotFound", id)),
        }
    }
}

/// EC2's rule for launch template names: 3 to 128 characters of letters,
/// digits and `- ( ) . / _`.
pub fn check_template_name(name: &str) -> Result<(), AwsError> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-().\\/_".contains(c));
    if (3..=128).contains(&name.chars().count()) && ok_chars {
        return Ok(());
    }
    Err(AwsError::new(
        "InvalidLaunchTemplateName.MalformedException",
        "A launch template name must be between 3 and 128 characters, and may contain letters, \
         numbers, and the following characters: - ( ) . / _.'",
    ))
}

fn check_user_data(data: &Map<String, Value>) -> Result<(), AwsError> {
    let Some(text) = data.get("UserData").and_then(Value::as_str) else {
        return Ok(());
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| {
            AwsError::new(
                "InvalidUserData.Malformed",
                "Invalid BASE64 encoding of user data.",
            )
        })?;
    if decoded.len() > MAX_USER_DATA_BYTES {
        return Err(AwsError::new(
            "InvalidParameterValue",
            format!("User data is limited to {MAX_USER_DATA_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Decodes base64 user data to text; `None` if it is not base64 or not
/// UTF-8.
pub fn decode_user_data(text: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// Encodes user data as EC2 stores and returns it: base64.
pub fn encode_user_data(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
}

/// The value of setting `key` in user data: the last line of the form
/// `KEY=value` (optionally `export KEY=value`, the value optionally in
/// single or double quotes), as a shell script would leave the variable.
/// Comment lines (`#`) are skipped. The SQS consumer model reads
/// `QUEUE=<queue name>` with this.
pub fn user_data_setting<'a>(user_data: &'a str, key: &str) -> Option<&'a str> {
    user_data
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("export ").map_or(line, str::trim_start);
            let (k, v) = line.split_once('=')?;
            if line.starts_with('#') || k.trim() != key {
                return None;
            }
            let v = v.trim();
            let unquoted = ['"', '\'']
                .iter()
                .find_map(|q| v.strip_prefix(*q).and_then(|rest| rest.strip_suffix(*q)));
            Some(unquoted.unwrap_or(v))
        })
        .next_back()
}

/// The worker software user data starts: a consumer of the queue named by
/// its `QUEUE` setting, at the consumer's default rate; `None` without one.
/// This is the one place where launch templates meet the consumer model.
pub fn consumer_from_user_data(user_data: Option<&str>) -> Option<Consumer> {
    let queue = user_data.and_then(|text| user_data_setting(text, "QUEUE"))?;
    Some(Consumer::of(queue.trim()))
}

impl Instance {
    /// A setting from this instance's user data (see
    /// [`user_data_setting`]); `None` without user data or setting.
    pub fn user_data_setting(&self, key: &str) -> Option<&str> {
        self.user_data
            .as_deref()
            .and_then(|text| user_data_setting(text, key))
    }
}

/// Checks the shape of `LaunchTemplateData` as the CLI does before sending
/// it, and returns it as a JSON object. The error is the CLI's own
/// "Parameter validation failed" text.
pub fn parse_template_data(value: Value) -> Result<Map<String, Value>, String> {
    let Value::Object(map) = value else {
        return Err(invalid_type("LaunchTemplateData", &value, "<class 'dict'>"));
    };
    for (key, field) in &map {
        if !DATA_FIELDS.contains(&key.as_str()) {
            return Err(format!(
                "Parameter validation failed:\nUnknown parameter in LaunchTemplateData: \"{key}\", \
                 must be one of: {}",
                DATA_FIELDS.join(", ")
            ));
        }
        let path = format!("LaunchTemplateData.{key}");
        const TEXT_FIELDS: [&str; 6] =
            ["ImageId", "InstanceType", "UserData", "KeyName", "KernelId", "RamDiskId"];
        if TEXT_FIELDS.contains(&key.as_str()) && !field.is_string() {
            return Err(invalid_type(&path, field, "<class 'str'>"));
        }
        if key == "TagSpecifications" {
            check_tag_specifications(&path, field)?;
        }
    }
    Ok(map)
}

/// Checks a `TagSpecifications` list: objects with a `ResourceType` string
/// and `Tags`, a list of `Key`/`Value` objects.
pub fn check_tag_specifications(path: &str, value: &Value) -> Result<(), String> {
    let Some(specs) = value.as_array() else {
        return Err(invalid_type(path, value, "<class 'list'>, <class 'tuple'>"));
    };
    for (i, spec) in specs.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let Some(fields) = spec.as_object() else {
            return Err(invalid_type(&at, spec, "<class 'dict'>"));
        };
        if let Some(bad) = fields
            .keys()
            .find(|k| !["ResourceType", "Tags"].contains(&k.as_str()))
        {
            return Err(format!(
                "Parameter validation failed:\nUnknown parameter in {at}: \"{bad}\", must be one \
                 of: ResourceType, Tags"
            ));
        }
        if let Some(rt) = fields.get("ResourceType").filter(|v| !v.is_string()) {
            return Err(invalid_type(
                &format!("{at}.ResourceType"),
                rt,
                "<class 'str'>",
            ));
        }
        let tags = fields
            .get("Tags")
            .cloned()
            .unwrap_or(Value::Array(Vec::new()));
        check_tags(&format!("{at}.Tags"), &tags)?;
    }
    Ok(())
}

fn check_tags(path: &str, value: &Value) -> Result<(), String> {
    let Some(tags) = value.as_array() else {
        return Err(invalid_type(path, value, "<class 'list'>, <class 'tuple'>"));
    };
    for (i, tag) in tags.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let Some(fields) = tag.as_object() else {
            return Err(invalid_type(&at, tag, "<class 'dict'>"));
        };
        for (key, v) in fields {
            if !["Key", "Value"].contains(&key.as_str()) {
                return Err(format!(
                    "Parameter validation failed:\nUnknown parameter in {at}: \"{key}\", must be \
                     one of: Key, Value"
                ));
            }
            if !v.is_string() {
                return Err(invalid_type(&format!("{at}.{key}"), v, "<class 'str'>"));
            }
        }
    }
    Ok(())
}

/// The CLI's error for a value of the wrong JSON type, naming Python's
/// types as the CLI does.
pub fn invalid_type(path: &str, value: &Value, valid: &str) -> String {
    let ty = match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    };
    let mut shown = value.to_string();
    if shown.len() > 60 {
        shown = format!("{}...", shown.chars().take(57).collect::<String>());
    }
    format!(
        "Parameter validation failed:\nInvalid type for parameter {path}, value: {shown}, type: \
         <class '{ty}'>, valid types: {valid}"
    )
}

/// One instance to launch: what `RunInstances` or an Auto Scaling group
/// asks EC2 for, with a template already resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceRequest {
    pub instance_type: String,
    pub image_id: String,
    pub tags: BTreeMap<String, String>,
    /// Decoded user data.
    pub user_data: Option<String>,
    pub availability_zone: String,
}

impl InstanceRequest {
    /// What a template version launches, with its instance tags and the
    /// tags EC2 adds for the template. Fails with EC2's `MissingParameter`
    /// if the version names no AMI or no instance type.
    pub fn from_template(
        template: &LaunchTemplate,
        version: &LaunchTemplateVersion,
        availability_zone: &str,
    ) -> Result<Self, AwsError> {
        let image_id = version.image_id().ok_or_else(|| missing("ImageId"))?;
        let instance_type = version
            .instance_type()
            .ok_or_else(|| missing("InstanceType"))?;
        let mut tags = version.instance_tags();
        tags.insert(
            "aws:ec2launchtemplate:id".into(),
            template.launch_template_id.clone(),
        );
        tags.insert(
            "aws:ec2launchtemplate:version".into(),
            version.version_number.to_string(),
        );
        Ok(InstanceRequest {
            instance_type: instance_type.to_string(),
            image_id: image_id.to_string(),
            tags,
            user_data: version.user_data(),
            availability_zone: availability_zone.to_string(),
        })
    }
}

fn missing(parameter: &str) -> AwsError {
    AwsError::new(
        "MissingParameter",
        format!("The request must contain the parameter {parameter}"),
    )
}

impl Ec2 {
    /// What would make a launch of `instance_type` from `image_id` fail, as
    /// `CreateLaunchTemplate` reports in its `Warning`: an unknown type or
    /// AMI, or an architecture mismatch.
    pub fn launch_warnings(
        &self,
        instance_type: Option<&str>,
        image_id: Option<&str>,
    ) -> Vec<AwsError> {
        match (instance_type, image_id) {
            (Some(ty), Some(image)) => self
                .check_launch(ty, Some(image))
                .err()
                .into_iter()
                .collect(),
            (Some(ty), None) => self.check_launch(ty, None).err().into_iter().collect(),
            (None, Some(image)) if !self.images.iter().any(|i| i.image_id == image) => {
                vec![AwsError::new(
                    "InvalidAMIID.NotFound",
                    format!("The image id '[{image}]' does not exist"),
                )]
            }
            _ => Vec::new(),
        }
    }

    /// vCPUs of pending and running instances, as the on-demand quota
    /// counts them.
    pub fn vcpus_in_use(&self) -> u32 {
        self.instances
            .iter()
            .filter(|i| matches!(i.state, InstanceState::Pending | InstanceState::Running))
            .filter_map(|i| catalogue().instance_type(&i.instance_type))
            .map(|t| t.vcpu)
            .sum()
    }

    /// Launches one instance, `pending`, now: checks the vCPU quota, then
    /// launches as [`Ec2::launch`] does (refusing a mismatched AMI) and keeps
    /// the user data on the instance. Returns the instance id.
    pub fn launch_instance(
        &mut self,
        env: &mut Env,
        request: InstanceRequest,
    ) -> Result<String, AwsError> {
        let vcpu = catalogue()
            .instance_type(&request.instance_type)
            .map_or(0, |t| t.vcpu);
        let in_use = self.vcpus_in_use();
        if in_use.saturating_add(vcpu) > ON_DEMAND_VCPU_LIMIT {
            return Err(AwsError::new(
                "VcpuLimitExceeded",
                format!(
                    "You have requested more vCPU capacity than your current vCPU limit of \
                     {ON_DEMAND_VCPU_LIMIT} allows for the instance bucket that the specified \
                     instance type belongs to ({in_use} vCPUs in use). Terminate instances you \
                     no longer need, or choose a smaller instance type."
                ),
            ));
        }
        let spec = LaunchSpec {
            instance_id: None,
            instance_type: request.instance_type,
            image_id: Some(request.image_id),
            tags: request.tags,
            workload: IDLE_WORKLOAD,
            consumer: consumer_from_user_data(request.user_data.as_deref()),
            state: InstanceState::Pending,
            launch_time: env.unix_now(),
            availability_zone: request.availability_zone,
        };
        let id = self.launch(env, spec)?.instance_id.clone();
        if let Some(instance) = self
            .instances
            .iter_mut()
            .rev()
            .find(|i| i.instance_id == id)
        {
            instance.user_data = request.user_data;
            instance.state_transition_reason = String::new();
        }
        env.events
            .push(env.now(), "EC2", format!("Instance {id} launched"));
        Ok(id)
    }

    /// `RunInstances`: launches `count` instances alike, all in one
    /// reservation. Fails before launching any if the first would fail, or
    /// with the quota error once the quota is reached. Returns their ids.
    pub fn run_instances(
        &mut self,
        env: &mut Env,
        request: InstanceRequest,
        count: u32,
    ) -> Result<Vec<String>, AwsError> {
        if count == 0 || count > MAX_RUN_COUNT {
            return Err(AwsError::new(
                "InvalidParameterValue",
                format!("Count must be between 1 and {MAX_RUN_COUNT} here (got {count})."),
            ));
        }
        let vcpu = catalogue()
            .instance_type(&request.instance_type)
            .map_or(0, |t| t.vcpu);
        let wanted = vcpu.saturating_mul(count);
        if self.vcpus_in_use().saturating_add(wanted) > ON_DEMAND_VCPU_LIMIT {
            self.check_launch(&request.instance_type, Some(&request.image_id))?;
            return Err(AwsError::new(
                "VcpuLimitExceeded",
                format!(
                    "You have requested more vCPU capacity than your current vCPU limit of \
                     {ON_DEMAND_VCPU_LIMIT} allows for the instance bucket that the specified \
                     instance type belongs to. Launch fewer or smaller instances."
                ),
            ));
        }
        let mut ids: Vec<String> = Vec::new();
        for _ in 0..count {
            ids.push(self.launch_instance(env, request.clone())?);
        }
        let reservation = ids
            .first()
            .and_then(|first| self.instances.iter().find(|i| &i.instance_id == first))
            .map(|i| i.reservation_id.clone())
            .unwrap_or_default();
        for instance in self
            .instances
            .iter_mut()
            .filter(|i| ids.contains(&i.instance_id))
        {
            instance.reservation_id = reservation.clone();
        }
        Ok(ids)
    }
}

/// AWS's JSON for a template, as `DescribeLaunchTemplates` lists it.
pub fn template_json(template: &LaunchTemplate) -> Value {
    let tags: Vec<Value> = template
        .tags
        .iter()
        .map(|(k, v)| json!({ "Key": k, "Value": v }))
        .collect();
    json!({
        "LaunchTemplateId": template.launch_template_id,
        "LaunchTemplateName": template.launch_template_name,
        "CreateTime": format_iso8601(template.create_time),
        "CreatedBy": format!("arn:aws:iam::{ACCOUNT_ID}:user/gameday"),
        "DefaultVersionNumber": template.default_version,
        "LatestVersionNumber": template.latest_version(),
        "Tags": tags,
    })
}

/// AWS's JSON for one version, as `DescribeLaunchTemplateVersions` lists it.
pub fn version_json(template: &LaunchTemplate, version: &LaunchTemplateVersion) -> Value {
    let mut out = Map::new();
    out.insert(
        "LaunchTemplateId".into(),
        json!(template.launch_template_id),
    );
    out.insert(
        "LaunchTemplateName".into(),
        json!(template.launch_template_name),
    );
    out.insert("VersionNumber".into(), json!(version.version_number));
    if let Some(d) = &version.version_description {
        out.insert("VersionDescription".into(), json!(d));
    }
    out.insert(
        "CreateTime".into(),
        json!(format_iso8601(version.create_time)),
    );
    out.insert(
        "CreatedBy".into(),
        json!(format!("arn:aws:iam::{ACCOUNT_ID}:user/gameday")),
    );
    out.insert(
        "DefaultVersion".into(),
        json!(version.version_number == template.default_version),
    );
    out.insert(
        "LaunchTemplateData".into(),
        Value::Object(version.data.clone()),
    );
    Value::Object(out)
}

/// `CreateLaunchTemplate`'s `Warning`, listing what would fail at launch;
/// `None` when nothing would.
pub fn warning_json(warnings: &[AwsError]) -> Option<Value> {
    if warnings.is_empty() {
        return None;
    }
    let errors: Vec<Value> = warnings
        .iter()
        .map(|w| json!({ "Code": w.code, "Message": w.message }))
        .collect();
    Some(json!({ "Errors": errors }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::World;

    fn data(pairs: Value) -> Map<String, Value> {
        parse_template_data(pairs).unwrap()
    }

    #[test]
    fn settings_read_from_user_data_like_a_shell() {
        let script = "#!/bin/bash\n# QUEUE=wrong\nQUEUE=first\nexport QUEUE=\"orders\"\n";
        assert_eq!(user_data_setting(script, "QUEUE"), Some("orders"));
        assert_eq!(user_data_setting(script, "OTHER"), None);
        assert_eq!(user_data_setting("QUEUE = 'jobs'", "QUEUE"), Some("jobs"));
    }

    #[test]
    fn versions_resolve_by_number_latest_and_default() {
        let mut world = World::new(1, "us-east-1", 0);
        let env = &mut world.env;
        let lt = &mut world.ec2.launch_templates;
        lt.create(
            env,
            "workers",
            data(json!({"InstanceType": "m5.large"})),
            None,
            vec![],
        )
        .unwrap();
        let spec = TemplateSpecifier::by_name("workers", None);
        let (_, n) = lt
            .create_version(
                env,
                &spec,
                Some("1"),
                data(json!({"ImageId": "ami-x"})),
                None,
            )
            .unwrap();
        assert_eq!(n, 2);
        let t = lt.find(&spec).unwrap();
        assert_eq!(t.version("$Default").unwrap().version_number, 1);
        let latest = t.version("$Latest").unwrap();
        assert_eq!(
            latest.instance_type(),
            Some("m5.large"),
            "inherits from the source"
        );
        assert_eq!(latest.image_id(), Some("ami-x"));
        assert_eq!(
            t.version("7").unwrap_err().code,
            "InvalidLaunchTemplateId.VersionNotFound"
        );
        lt.set_default_version(&spec, "2").unwrap();
        assert_eq!(lt.find(&spec).unwrap().default_version, 2);
    }

    #[test]
    fn template_names_and_user_data_are_checked() {
        let mut world = World::new(1, "us-east-1", 0);
        let (env, lt) = (&mut world.env, &mut world.ec2.launch_templates);
        let err = lt.create(env, "a", Map::new(), None, vec![]).unwrap_err();
        assert_eq!(err.code, "InvalidLaunchTemplateName.MalformedException");
        let bad = data(json!({"UserData": "not base64!"}));
        let err = lt.create(env, "web", bad, None, vec![]).unwrap_err();
        assert_eq!(err.code, "InvalidUserData.Malformed");
        lt.create(env, "web", Map::new(), None, vec![]).unwrap();
        let err = lt.create(env, "web", Map::new(), None, vec![]).unwrap_err();
        assert_eq!(err.code, "InvalidLaunchTemplateName.AlreadyExistsException");
    }

    #[test]
    fn template_data_shape_errors_read_like_the_cli() {
        let err = parse_template_data(json!({"ImageId": 5})).unwrap_err();
        assert!(
            err.contains("Invalid type for parameter LaunchTemplateData.ImageId"),
            "{err}"
        );
        let err = parse_template_data(json!({"Flavour": "x"})).unwrap_err();
        assert!(
            err.contains("Unknown parameter in LaunchTemplateData: \"Flavour\""),
            "{err}"
        );
        let tags = json!({"TagSpecifications": [{"ResourceType": "instance", "Tags": [{"K": 1}]}]});
        assert!(parse_template_data(tags).is_err());
    }

    #[test]
    fn launching_from_a_template_keeps_user_data_and_tags() {
        let mut world = World::new(1, "us-east-1", 0);
        let user_data = encode_user_data("QUEUE=orders\n");
        let d = data(json!({
            "ImageId": "ami-07d9e1a6b5c38f2e4",
            "InstanceType": "t4g.small",
            "UserData": user_data,
            "TagSpecifications": [
                {"ResourceType": "instance", "Tags": [{"Key": "Role", "Value": "worker"}]}
            ]
        }));
        let (env, ec2) = (&mut world.env, &mut world.ec2);
        ec2.launch_templates
            .create(env, "workers", d, None, vec![])
            .unwrap();
        let spec = TemplateSpecifier::by_name("workers", Some("$Latest"));
        let (t, v) = ec2.launch_templates.resolve(&spec).unwrap();
        let request = InstanceRequest::from_template(t, v, "us-east-1a").unwrap();
        let ids = ec2.run_instances(env, request, 2).unwrap();
        assert_eq!(ids.len(), 2);
        let first = ec2
            .instances
            .iter()
            .find(|i| i.instance_id == ids[0])
            .unwrap();
        assert_eq!(first.user_data_setting("QUEUE"), Some("orders"));
        assert_eq!(first.tag("Role"), Some("worker"));
        assert_eq!(first.tag("aws:ec2launchtemplate:version"), Some("1"));
        let second = ec2
            .instances
            .iter()
            .find(|i| i.instance_id == ids[1])
            .unwrap();
        assert_eq!(
            first.reservation_id, second.reservation_id,
            "one reservation per call"
        );
    }

    #[test]
    fn a_mismatched_architecture_is_refused_at_launch() {
        let mut world = World::new(1, "us-east-1", 0);
        let request = InstanceRequest {
            instance_type: "t4g.small".into(),
            image_id: "ami-0c1f5b3a7d2e94a10".into(),
            tags: BTreeMap::new(),
            user_data: None,
            availability_zone: "us-east-1a".into(),
        };
        let err = world
            .ec2
            .run_instances(&mut world.env, request, 1)
            .unwrap_err();
        assert_eq!(err.code, "InvalidParameterValue");
        assert!(
            err.message.contains("architecture 'arm64'"),
            "{}",
            err.message
        );
        assert!(world.ec2.instances.is_empty());
    }

    #[test]
    fn the_vcpu_quota_stops_runaway_launches() {
        let mut world = World::new(1, "us-east-1", 0);
        let request = InstanceRequest {
            instance_type: "m5.4xlarge".into(),
            image_id: "ami-0c1f5b3a7d2e94a10".into(),
            tags: BTreeMap::new(),
            user_data: None,
            availability_zone: "us-east-1a".into(),
        };
        let err = world
            .ec2
            .run_instances(&mut world.env, request, 40)
            .unwrap_err();
        assert_eq!(err.code, "VcpuLimitExceeded");
        assert!(world.ec2.instances.is_empty());
    }
}
