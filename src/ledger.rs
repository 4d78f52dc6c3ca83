//! Cost and carbon accounting, per resource.
//!
//! Every billable resource reports, each tick, what it costs per hour and
//! how many grams of CO2e it emits per hour; the ledger integrates those
//! rates over simulated time. Carbon follows the Cloud Carbon Footprint
//! method: compute energy from utilisation between the microarchitecture's
//! min and max watts per vCPU, plus memory energy, times the data centre's
//! PUE and the region's grid intensity, plus a share of the host's embodied
//! emissions. We leave out network and storage energy for instances; the
//! data-lake quests add storage through the same ledger.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalogue::{catalogue, InstanceType};
use crate::clock::TICK_SECONDS;

/// Power usage effectiveness CCF uses for AWS data centres.
pub const AWS_PUE: f64 = 1.135;
/// Watts per GB of memory in CCF's method.
pub const MEMORY_WATTS_PER_GB: f64 = 0.392;
/// Years over which CCF spreads a server's embodied emissions.
pub const EMBODIED_LIFESPAN_HOURS: f64 = 4.0 * 8760.0;

/// Running totals and current rates for one resource.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// What the resource is, for display: `m5.xlarge`, `S3 Standard` ...
    pub kind: String,
    pub cost_usd: f64,
    pub co2e_g: f64,
    pub cost_usd_per_hour: f64,
    pub co2e_g_per_hour: f64,
}

impl LedgerEntry {
    fn add_tick(&mut self, rate: Rate) {
        let hours = TICK_SECONDS as f64 / 3600.0;
        self.cost_usd += rate.cost_usd_per_hour * hours;
        self.co2e_g += rate.co2e_g_per_hour * hours;
        self.cost_usd_per_hour = rate.cost_usd_per_hour;
        self.co2e_g_per_hour = rate.co2e_g_per_hour;
    }
}

/// Costs and emissions of every resource, keyed by resource id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    entries: BTreeMap<String, LedgerEntry>,
}

/// What a resource costs and emits per hour right now.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rate {
    pub cost_usd_per_hour: f64,
    pub co2e_g_per_hour: f64,
}

impl Ledger {
    /// Zeroes every current rate; resources that still run set theirs again
    /// during the tick.
    pub fn begin_tick(&mut self) {
        for entry in self.entries.values_mut() {
            entry.cost_usd_per_hour = 0.0;
            entry.co2e_g_per_hour = 0.0;
        }
    }

    /// Records that `resource` ran for one tick at `rate`.
    pub fn accrue(&mut self, resource: &str, kind: &str, rate: Rate) {
        // Look up before inserting: this runs for every resource every
        // tick, and only a new resource needs its id copied.
        match self.entries.get_mut(resource) {
            Some(entry) => entry.add_tick(rate),
            None => {
                let mut fresh = LedgerEntry { kind: kind.to_string(), ..LedgerEntry::default() };
                fresh.add_tick(rate);
                self.entries.insert(resource.to_string(), fresh);
            }
        }
    }

    /// One resource's entry, if it has ever accrued anything.
    pub fn entry(&self, resource: &str) -> Option<&LedgerEntry> {
        self.entries.get(resource)
    }

    /// Every entry, by resource id.
    pub fn entries(&self) -> impl Iterator<Item = (&String, &LedgerEntry)> {
        self.entries.iter()
    }

    /// Sum of current rates over all resources.
    pub fn rate(&self) -> Rate {
        self.entries.values().fold(Rate::default(), |acc, e| Rate {
            cost_usd_per_hour: acc.cost_usd_per_hour + e.cost_usd_per_hour,
            co2e_g_per_hour: acc.co2e_g_per_hour + e.co2e_g_per_hour,
        })
    }

    /// Total cost so far, in US dollars.
    pub fn total_cost_usd(&self) -> f64 {
        self.entries.values().map(|e| e.cost_usd).sum()
    }

    /// Total emissions so far, in grams CO2e.
    pub fn total_co2e_g(&self) -> f64 {
        self.entries.values().map(|e| e.co2e_g).sum()
    }
}

/// Cost and CO2e per hour of a running instance at `utilisation` (0 to 1)
/// in `region`, by the Cloud Carbon Footprint method.
pub fn instance_rate(ty: &InstanceType, utilisation: f64, region: &str) -> Rate {
    let u = utilisation.clamp(0.0, 1.0);
    let power = catalogue().power(ty);
    let cpu_watts = (power.min_watts + u * (power.max_watts - power.min_watts)) * ty.vcpu as f64;
    let memory_watts = ty.memory_gib * MEMORY_WATTS_PER_GB;
    let kwh_per_hour = (cpu_watts + memory_watts) / 1000.0;
    let grid = catalogue().grid_g_per_kwh(region).unwrap_or(0.0);
    let operational = kwh_per_hour * AWS_PUE * grid;

    let share = ty.vcpu as f64 / ty.platform_vcpu.max(1) as f64;
    let embodied = ty.embodied_kg_co2e * 1000.0 / EMBODIED_LIFESPAN_HOURS * share;

    Rate { cost_usd_per_hour: ty.price_usd_per_hour, co2e_g_per_hour: operational + embodied }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graviton_emits_less_than_x86_of_same_size() {
        let c = catalogue();
        let x86 = instance_rate(c.instance_type("m5.large").unwrap(), 0.5, "us-east-1");
        let arm = instance_rate(c.instance_type("m6g.large").unwrap(), 0.5, "us-east-1");
        assert!(arm.co2e_g_per_hour < x86.co2e_g_per_hour);
        assert!(arm.cost_usd_per_hour < x86.cost_usd_per_hour);
    }

    #[test]
    fn m5_xlarge_idle_matches_ccf_by_hand() {
        // Sky Lake: 0.6446 W/vCPU min; 4 vCPU; 16 GiB x 0.392 W; PUE 1.135;
        // us-east-1 415.755 g/kWh; embodied 1610.79 kg over 4 years x 4/96.
        let rate = instance_rate(catalogue().instance_type("m5.xlarge").unwrap(), 0.0, "us-east-1");
        let watts = 0.6446044454253452 * 4.0 + 16.0 * 0.392;
        let expected = watts / 1000.0 * 1.135 * 415.755 + 1610.79 * 1000.0 / 35040.0 * 4.0 / 96.0;
        assert!((rate.co2e_g_per_hour - expected).abs() < 1e-9, "{}", rate.co2e_g_per_hour);
    }

    #[test]
    fn ledger_integrates_rates_over_ticks() {
        let mut ledger = Ledger::default();
        let rate = Rate { cost_usd_per_hour: 3.6, co2e_g_per_hour: 36.0 };
        for _ in 0..3600 / TICK_SECONDS {
            ledger.begin_tick();
            ledger.accrue("i-1", "m5.large", rate);
        }
        assert!((ledger.total_cost_usd() - 3.6).abs() < 1e-9);
        ledger.begin_tick();
        assert_eq!(ledger.rate().cost_usd_per_hour, 0.0, "idle resources stop accruing");
    }
}
