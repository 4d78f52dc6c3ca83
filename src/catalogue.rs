//! The EC2 instance-type catalogue and the carbon coefficients behind it.
//!
//! Instance types come from `data/ec2/instance-types.csv` (vCPU, memory,
//! architecture, us-east-1 on-demand price, measured power and embodied
//! emissions); min and max watts per vCPU by microarchitecture and grid
//! carbon intensity by region come unchanged from the Cloud Carbon Footprint
//! coefficients in `data/ccf/`. All three are compiled in and parsed once.
//! We model Linux on-demand pricing in one region; we do not model spot,
//! savings plans, reserved instances or per-second billing minimums.

use std::collections::BTreeMap;
use std::sync::OnceLock;

const INSTANCE_TYPES_CSV: &str = include_str!("../data/ec2/instance-types.csv");
const CCF_USE_CSV: &str = include_str!("../data/ccf/coefficients-aws-use.csv");
const CCF_GRID_CSV: &str = include_str!("../data/ccf/grid-emissions-factors-aws.csv");

/// CPU architecture as EC2 names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Architecture {
    #[serde(rename = "x86_64")]
    X86_64,
    #[serde(rename = "arm64")]
    Arm64,
}

impl Architecture {
    /// The name EC2 prints, `x86_64` or `arm64`.
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }
}

/// One EC2 instance type.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceType {
    pub name: String,
    pub architecture: Architecture,
    pub vcpu: u32,
    pub memory_gib: f64,
    pub price_usd_per_hour: f64,
    pub microarchitecture: String,
    pub platform_vcpu: u32,
    /// Measured instance power at 0, 10, 50 and 100 % load, in watts.
    pub measured_watts: [f64; 4],
    pub embodied_kg_co2e: f64,
}

/// Average min and max watts per vCPU of one processor microarchitecture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerCoefficients {
    pub min_watts: f64,
    pub max_watts: f64,
}

/// Everything the simulation knows about prices, power and grids.
#[derive(Debug)]
pub struct Catalogue {
    types: BTreeMap<String, InstanceType>,
    power: BTreeMap<String, PowerCoefficients>,
    grid_t_per_kwh: BTreeMap<String, f64>,
}

/// The compiled-in catalogue, parsed on first use.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        Catalogue::parse(INSTANCE_TYPES_CSV, CCF_USE_CSV, CCF_GRID_CSV)
            .unwrap_or_else(|e| panic!("compiled-in data is malformed: {e}"))
    })
}

impl Catalogue {
    /// Parses the three data files. Fails with the file, line and column
    /// at fault; only the compiled-in files reach this, and a test parses
    /// them, so a failure here is a build mistake, not player input.
    pub fn parse(types_csv: &str, use_csv: &str, grid_csv: &str) -> Result<Self, String> {
        let mut types = BTreeMap::new();
        for (line, row) in rows(types_csv) {
            let at = |col: usize| field(&row, col, "instance-types.csv", line);
            let num = |col: usize| number(&row, col, "instance-types.csv", line);
            let architecture = match at(1)? {
                "x86_64" => Architecture::X86_64,
                "arm64" => Architecture::Arm64,
                other => return Err(format!("instance-types.csv:{line}: architecture {other:?}")),
            };
            let ty = InstanceType {
                name: at(0)?.to_string(),
                architecture,
                vcpu: num(2)? as u32,
                memory_gib: num(3)?,
                price_usd_per_hour: num(4)?,
                microarchitecture: at(6)?.to_string(),
                platform_vcpu: num(7)? as u32,
                measured_watts: [num(8)?, num(9)?, num(10)?, num(11)?],
                embodied_kg_co2e: num(12)?,
            };
            types.insert(ty.name.clone(), ty);
        }

        let mut power = BTreeMap::new();
        for (line, row) in rows(use_csv) {
            let coefficients = PowerCoefficients {
                min_watts: number(&row, 2, "coefficients-aws-use.csv", line)?,
                max_watts: number(&row, 3, "coefficients-aws-use.csv", line)?,
            };
            power.insert(field(&row, 1, "coefficients-aws-use.csv", line)?.to_string(), coefficients);
        }

        let mut grid_t_per_kwh = BTreeMap::new();
        for (line, row) in rows(grid_csv) {
            let factor = number(&row, 3, "grid-emissions-factors-aws.csv", line)?;
            grid_t_per_kwh.insert(field(&row, 0, "grid-emissions-factors-aws.csv", line)?.to_string(), factor);
        }

        let catalogue = Catalogue { types, power, grid_t_per_kwh };
        for ty in catalogue.types.values() {
            if !catalogue.power.contains_key(&ty.microarchitecture) {
                return Err(format!("{}: no CCF coefficients for {:?}", ty.name, ty.microarchitecture));
            }
        }
        Ok(catalogue)
    }

    /// Looks up an instance type by its API name, such as `m5.xlarge`.
    pub fn instance_type(&self, name: &str) -> Option<&InstanceType> {
        self.types.get(name)
    }

    /// Every instance type, sorted by name.
    pub fn instance_types(&self) -> impl Iterator<Item = &InstanceType> {
        self.types.values()
    }

    /// CCF min/max watts per vCPU for an instance type's microarchitecture.
    pub fn power(&self, ty: &InstanceType) -> PowerCoefficients {
        self.power.get(&ty.microarchitecture).copied().unwrap_or(PowerCoefficients {
            min_watts: 0.0,
            max_watts: 0.0,
        })
    }

    /// Grid carbon intensity of a region in grams CO2e per kWh, if known.
    pub fn grid_g_per_kwh(&self, region: &str) -> Option<f64> {
        self.grid_t_per_kwh.get(region).map(|t| t * 1_000_000.0)
    }

    /// Whether a region appears in the grid factors, i.e. can be simulated.
    pub fn has_region(&self, region: &str) -> bool {
        self.grid_t_per_kwh.contains_key(region)
    }
}

/// Data rows of a simple CSV file (no quoted commas), with 1-based line
/// numbers; the header line is skipped.
fn rows(csv: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    csv.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.split(',').map(str::trim).collect()))
}

fn field<'a>(row: &[&'a str], col: usize, file: &str, line: usize) -> Result<&'a str, String> {
    row.get(col).copied().ok_or_else(|| format!("{file}:{line}: missing column {}", col + 1))
}

fn number(row: &[&str], col: usize, file: &str, line: usize) -> Result<f64, String> {
    let text = field(row, col, file, line)?;
    text.parse().map_err(|_| format!("{file}:{line}: column {} is not a number: {text:?}", col + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiled_in_catalogue_parses() {
        let c = catalogue();
        assert!(c.instance_types().count() >= 16);
        let m5 = c.instance_type("m5.xlarge").expect("m5.xlarge");
        assert_eq!((m5.vcpu, m5.architecture), (4, Architecture::X86_64));
        assert_eq!(c.instance_type("t4g.small").map(|t| t.architecture), Some(Architecture::Arm64));
        let grid = c.grid_g_per_kwh("us-east-1").expect("us-east-1");
        assert!((grid - 415.755).abs() < 1e-6);
    }

    #[test]
    fn malformed_rows_are_reported_with_line() {
        let err = Catalogue::parse("h\nm5.large,x86_64,two", "h", "h").unwrap_err();
        assert!(err.contains("instance-types.csv:2"), "{err}");
    }
}
