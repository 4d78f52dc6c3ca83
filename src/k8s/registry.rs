//! Amazon ECR as the kubelet meets it: repositories of tagged images,
//! each tag either one image for one platform or a multi-architecture
//! manifest list (an OCI image index) with one image per platform.
//!
//! What a learner meets: a single-platform `amd64` image pulls fine onto
//! an `arm64` node (the registry does not check) and then fails to start
//! with `exec format error`; a manifest list without the node's platform
//! fails to pull with `no match for platform in manifest`. Each image says
//! which port its program listens on, which decides readiness probes and
//! load balancer health. A few public Docker Hub images (`nginx`, `httpd`)
//! exist too, multi-architecture. We do not model pull credentials, rate
//! limits, image layers or scanning.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::world::fnv1a;

/// One image in the registry under one tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// Repository name, such as `gameday-images`.
    pub repository: String,
    pub tag: String,
    /// `amd64`, `arm64`, or both.
    pub architectures: Vec<String>,
    /// A manifest list (multi-architecture) rather than one plain image;
    /// true by default when there are several architectures.
    #[serde(default)]
    pub manifest_list: Option<bool>,
    /// The port its program listens on; none for a program with no server.
    #[serde(default)]
    pub port: Option<i32>,
    /// The program the container runs.
    #[serde(default = "default_entrypoint")]
    pub entrypoint: String,
    /// Compressed size in megabytes, which sets the pull time.
    #[serde(default = "default_size")]
    pub size_mb: u32,
}

fn default_entrypoint() -> String {
    "/usr/local/bin/app".to_string()
}

fn default_size() -> u32 {
    48
}

impl Image {
    /// What a quest file could get wrong: names, architectures, port.
    pub fn validate(&self) -> Result<(), String> {
        let name_ok = |s: &str| !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
        if !name_ok(&self.repository) || !name_ok(&self.tag) {
            return Err("repository and tag are 1 to 128 letters, digits, '-', '_', '.' or '/'".into());
        }
        if self.architectures.is_empty() || self.architectures.iter().any(|a| a != "amd64" && a != "arm64") {
            return Err("architectures lists \"amd64\", \"arm64\" or both".into());
        }
        if self.port.is_some_and(|p| !(1..=65535).contains(&p)) {
            return Err("port is from 1 to 65535".into());
        }
        Ok(())
    }

    pub fn is_manifest_list(&self) -> bool {
        self.manifest_list.unwrap_or(self.architectures.len() > 1)
    }

    /// `sha256:` and 64 hex digits, derived from repository and tag.
    pub fn digest(&self) -> String {
        let seed = format!("{}:{}", self.repository, self.tag);
        let words: String = (0..4u8)
            .map(|i| format!("{:016x}", fnv1a(format!("{seed}#{i}").as_bytes())))
            .collect();
        format!("sha256:{words}")
    }
}

/// The account's private registry.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Registry {
    /// Registry host: `<account>.dkr.ecr.<region>.amazonaws.com`.
    pub host: String,
    /// Images by `repository:tag`.
    pub images: BTreeMap<String, Image>,
}

/// What pulling an image for one platform gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pull {
    /// The image; `runs` is false when its binaries are for another CPU.
    Pulled { image: Image, digest: String, runs: bool },
    /// No such repository or tag.
    NotFound(String),
    /// A manifest list without the node's platform.
    NoPlatform(String),
}

impl Registry {
    pub fn new(account: &str, region: &str) -> Self {
        Registry { host: format!("{account}.dkr.ecr.{region}.amazonaws.com"), images: BTreeMap::new() }
    }

    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }

    /// Adds or replaces an image under its tag.
    pub fn push(&mut self, image: Image) {
        self.images.insert(format!("{}:{}", image.repository, image.tag), image);
    }

    /// Pulls `reference` (`host/repo:tag`, `repo`, `nginx:1.27`) for a
    /// node of architecture `arch` (`amd64` or `arm64`).
    pub fn pull(&self, reference: &str, arch: &str) -> Pull {
        let Some(image) = self.find(reference) else {
            return Pull::NotFound(format!(
                "failed to pull and unpack image \"{}\": failed to resolve reference \"{}\": {}: not found",
                canonical(reference),
                canonical(reference),
                canonical(reference)
            ));
        };
        let has = image.architectures.iter().any(|a| a == arch);
        if image.is_manifest_list() && !has {
            return Pull::NoPlatform(format!(
                "failed to pull and unpack image \"{}\": no match for platform in manifest: not found",
                canonical(reference)
            ));
        }
        let digest = image.digest();
        Pull::Pulled { image, digest, runs: has }
    }

    /// The image a reference names, in this registry or among the public
    /// images.
    pub fn find(&self, reference: &str) -> Option<Image> {
        let (host, repository, tag) = split_reference(reference)?;
        if host == self.host {
            return self.images.get(&format!("{repository}:{tag}")).cloned();
        }
        if host == "docker.io" {
            return public_image(repository.trim_start_matches("library/"), tag);
        }
        None
    }
}

/// The public images every world can pull: multi-architecture web servers.
fn public_image(repository: &str, tag: &str) -> Option<Image> {
    let port = match repository {
        "nginx" | "httpd" => 80,
        _ => return None,
    };
    let good_tag = tag == "latest" || tag.chars().next().is_some_and(|c| c.is_ascii_digit());
    good_tag.then(|| Image {
        repository: repository.to_string(),
        tag: tag.to_string(),
        architectures: vec!["amd64".into(), "arm64".into()],
        manifest_list: Some(true),
        port: Some(port),
        entrypoint: format!("/usr/sbin/{repository}"),
        size_mb: 70,
    })
}

/// Host, repository and tag of a reference; Docker Hub when no host is
/// given, `latest` when no tag. `None` for a digest reference or an empty
/// name.
pub fn split_reference(reference: &str) -> Option<(&str, &str, &str)> {
    if reference.is_empty() || reference.contains('@') || reference.contains(char::is_whitespace) {
        return None;
    }
    let (host, rest) = match reference.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => (first, rest),
        _ => ("docker.io", reference),
    };
    let (repository, tag) = match rest.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (rest, "latest"),
    };
    (!repository.is_empty() && !tag.is_empty()).then_some((host, repository, tag))
}

/// A reference as containerd names it: `docker.io/library/nginx:latest`.
pub fn canonical(reference: &str) -> String {
    match split_reference(reference) {
        Some(("docker.io", repo, tag)) if !repo.contains('/') => format!("docker.io/library/{repo}:{tag}"),
        Some((host, repo, tag)) => format!("{host}/{repo}:{tag}"),
        None => reference.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        let mut r = Registry::new("123456789012", "us-east-1");
        let image = |tag: &str, archs: &[&str]| Image {
            repository: "gameday-images".into(),
            tag: tag.into(),
            architectures: archs.iter().map(|a| a.to_string()).collect(),
            manifest_list: None,
            port: Some(3000),
            entrypoint: default_entrypoint(),
            size_mb: 48,
        };
        r.push(image("x86_latest", &["amd64"]));
        r.push(image("latest", &["amd64", "arm64"]));
        r
    }

    #[test]
    fn single_arch_image_pulls_anywhere_but_only_runs_on_its_cpu() {
        let r = registry();
        let name = "123456789012.dkr.ecr.us-east-1.amazonaws.com/gameday-images:x86_latest";
        assert!(matches!(r.pull(name, "amd64"), Pull::Pulled { runs: true, .. }));
        assert!(matches!(r.pull(name, "arm64"), Pull::Pulled { runs: false, .. }));
    }

    #[test]
    fn manifest_lists_pick_the_platform() {
        let r = registry();
        let name = "123456789012.dkr.ecr.us-east-1.amazonaws.com/gameday-images:latest";
        assert!(matches!(r.pull(name, "arm64"), Pull::Pulled { runs: true, .. }));
        assert!(matches!(r.pull(name, "s390x"), Pull::NoPlatform(_)));
        assert!(matches!(r.pull("gameday-images:latest", "amd64"), Pull::NotFound(_)));
        assert!(matches!(r.pull("nginx", "arm64"), Pull::Pulled { runs: true, .. }));
    }

    #[test]
    fn references_split_like_containerd() {
        assert_eq!(split_reference("nginx"), Some(("docker.io", "nginx", "latest")));
        assert_eq!(split_reference("localhost:5000/app:v1"), Some(("localhost:5000", "app", "v1")));
        assert_eq!(canonical("nginx:1.27"), "docker.io/library/nginx:1.27");
    }
}
