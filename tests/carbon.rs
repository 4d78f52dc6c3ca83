//! Issue 3's carbon check: one instance-hour's energy and CO2e worked out
//! by hand from the Cloud Carbon Footprint tables in data/ccf, against what
//! the simulation's ledger accrues over an hour of one-second ticks.

use gameday::quest::{Quest, Session};

/// One m5.xlarge at a steady 50 % CPU in us-east-1.
const ONE_INSTANCE: &str = r#"
id = "carbon-check"
title = "Carbon check"
summary = "One instance for an hour."
story = "A test world."

[world]
seed = 1
region = "us-east-1"
start_time = "2026-03-02T00:00:00Z"

[[world.instances]]
instance_id = "i-0123456789abcdef0"
instance_type = "m5.xlarge"
cpu = { base = 50.0, jitter = 0.0 }

[[objectives]]
id = "wait"
title = "Wait an hour"
points = 1
check = { kind = "time_at_least", seconds = 3600 }

[solution]
log = "@3600"
"#;

/// The CSV row of `file` whose column `key_column` is `key`.
fn row(file: &str, key_column: usize, key: &str) -> Vec<String> {
    let path = format!("{}/data/ccf/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .map(|line| line.split(',').map(str::to_string).collect::<Vec<_>>())
        .find(|cells| cells.get(key_column).map(String::as_str) == Some(key))
        .unwrap_or_else(|| panic!("{file}: no row {key}"))
}

fn number(cells: &[String], column: usize) -> f64 {
    cells[column].parse().unwrap_or_else(|e| panic!("{:?}: {e}", cells[column]))
}

#[test]
fn an_m5_xlarge_hour_at_half_load_matches_the_ccf_tables() {
    // By hand, CCF's method: compute watts between the microarchitecture's
    // min and max per vCPU, memory at 0.392 W/GB, PUE 1.135 for AWS, the
    // region's grid factor, and the host's embodied carbon over four years
    // shared by vCPU.
    let skylake = row("coefficients-aws-use.csv", 1, "Sky Lake");
    let (min_w, max_w) = (number(&skylake, 2), number(&skylake, 3));
    let grid_t_per_kwh = number(&row("grid-emissions-factors-aws.csv", 0, "us-east-1"), 3);
    let embodied_kg = number(&row("coefficients-aws-embodied.csv", 1, "m5.xlarge"), 6);
    let (vcpu, platform_vcpu, memory_gb) = (4.0, 96.0, 16.0);

    let watts = (min_w + 0.5 * (max_w - min_w)) * vcpu + memory_gb * 0.392;
    let kwh = watts / 1000.0 * 1.135;
    let operational_g = kwh * grid_t_per_kwh * 1e6;
    let embodied_g = embodied_kg * 1000.0 / (4.0 * 8760.0) * vcpu / platform_vcpu;
    let expected_g = operational_g + embodied_g;

    let quest = Quest::parse("carbon-check.toml", ONE_INSTANCE).unwrap_or_else(|e| panic!("{e}"));
    let mut session = Session::new(quest);
    session.run_until(3600);
    let entry = session.world().env.ledger.entry("i-0123456789abcdef0").expect("the instance accrued");
    let off = (entry.co2e_g - expected_g).abs() / expected_g;
    assert!(off < 0.01, "simulated {:.4} g CO2e, by hand {expected_g:.4} g ({:.2} % off)", entry.co2e_g, off * 100.0);
    // And the bill: on-demand us-east-1 price, one hour.
    assert!((entry.cost_usd - 0.192).abs() < 0.192 * 0.01, "{}", entry.cost_usd);
    // The figure, for the record: about 11 g, of which 2 g embodied.
    assert!((5.0..20.0).contains(&expected_g), "{expected_g}");
}
