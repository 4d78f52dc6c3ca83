//! The EC2 catalogue agrees with the Cloud Carbon Footprint data it was
//! derived from (see data/README.md).

use std::collections::HashMap;
use std::fs;

use gameday::catalogue::catalogue;

fn read(name: &str) -> String {
    fs::read_to_string(format!("{}/data/ccf/{name}", env!("CARGO_MANIFEST_DIR"))).expect("CCF file")
}

/// Splits one CSV line, honouring double quotes (the Teads file quotes
/// numbers that use decimal commas).
fn fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn number(text: &str) -> f64 {
    text.replace(',', ".").parse().unwrap_or_else(|_| panic!("number {text:?}"))
}

#[test]
fn every_type_matches_its_ccf_rows() {
    let instances = read("aws-instances.csv");
    let header = fields(instances.lines().next().unwrap());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}"));
    let rows: HashMap<String, Vec<String>> = instances
        .lines()
        .skip(1)
        .map(fields)
        .map(|f| (f[0].clone(), f))
        .collect();
    let embodied: HashMap<String, f64> = read("coefficients-aws-embodied.csv")
        .lines()
        .skip(1)
        .map(fields)
        .map(|f| (f[1].clone(), number(&f[6])))
        .collect();

    let ccf_source: HashMap<String, String> =
        fs::read_to_string(format!("{}/data/ec2/instance-types.csv", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .lines()
            .skip(1)
            .map(fields)
            .map(|f| (f[0].clone(), f[5].clone()))
            .collect();

    let mut checked = 0;
    for ty in catalogue().instance_types() {
        let source = &ccf_source[&ty.name];
        let row = rows.get(source).unwrap_or_else(|| panic!("{source} not in aws-instances.csv"));
        assert_eq!(ty.vcpu as f64, number(&row[col("Instance vCPU")]), "{}", ty.name);
        assert_eq!(ty.memory_gib, number(&row[col("Instance Memory (in GB)")]), "{}", ty.name);
        assert_eq!(ty.platform_vcpu as f64, number(&row[col("Platform Total Number of vCPU")]), "{}", ty.name);
        let measured = ["Instance @ Idle", "Instance @ 10%", "Instance @ 50%", "Instance @ 100%"]
            .map(|c| number(&row[col(c)]));
        assert_eq!(ty.measured_watts, measured, "{}", ty.name);
        assert_eq!(ty.embodied_kg_co2e, embodied[source], "{}", ty.name);
        checked += 1;
    }
    assert!(checked >= 16, "only {checked} instance types");
}

#[test]
fn both_architectures_and_the_quest_families_are_offered() {
    let names: Vec<&str> = catalogue().instance_types().map(|t| t.name.as_str()).collect();
    for family in ["m5.", "c5.", "t3.", "m6i.", "m6g.", "c6g.", "m7g.", "c7g.", "t4g."] {
        assert!(names.iter().any(|n| n.starts_with(family)), "no {family} types");
    }
}
