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

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::catalogue::{catalogue, InstanceType};
use crate::clock::TICK_SECONDS;
use crate::world::Stamp;

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
///
/// Entries sit in a vector sorted by resource id, which is the order they
/// serialize in (a map, as a `BTreeMap` would give) and the order rates
/// are summed in. Only the resources that accrued since the last
/// [`Ledger::begin_tick`] can have a non-zero current rate; the ledger
/// keeps their positions so that a tick touches them and no others.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(from = "StoredLedger")]
pub struct Ledger {
    entries: Vec<(String, LedgerEntry)>,
    /// Positions in `entries` of the resources that accrued since the last
    /// `begin_tick`, ascending. Follows from the entries' current rates
    /// within a tick; not serialized.
    accrued: Vec<usize>,
    /// Renewed whenever a new entry moves others along, so that hints
    /// taken before do not pass.
    stamp: Stamp,
}

/// Where one resource's entry is: lets a resource that accrues every tick
/// skip the search. A hint belongs to one resource and one ledger, and
/// passes only while no entry has been added since it was taken. Debug
/// builds (and so the tests) check that it names its resource.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EntryHint(Option<(u64, usize)>);

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
        for &at in &self.accrued {
            if let Some((_, entry)) = self.entries.get_mut(at) {
                entry.cost_usd_per_hour = 0.0;
                entry.co2e_g_per_hour = 0.0;
            }
        }
        self.accrued.clear();
    }

    /// Records that `resource` ran for one tick at `rate`.
    pub fn accrue(&mut self, resource: &str, kind: &str, rate: Rate) {
        self.accrue_hinted(&mut EntryHint::default(), resource, kind, rate);
    }

    /// [`Ledger::accrue`], first trying the entry `hint` names; leaves in
    /// `hint` where the entry is.
    pub fn accrue_hinted(&mut self, hint: &mut EntryHint, resource: &str, kind: &str, rate: Rate) {
        let at = match hint.0 {
            Some((stamp, at)) if stamp == self.stamp.get() => at,
            _ => match self.position(resource) {
                Ok(at) => at,
                Err(at) => self.insert(at, resource, kind),
            },
        };
        *hint = EntryHint(Some((self.stamp.get(), at)));
        debug_assert!(
            self.entries.get(at).is_some_and(|(id, _)| id == resource),
            "a ledger hint used for another resource than its own: {resource}"
        );
        if let Some((_, entry)) = self.entries.get_mut(at) {
            entry.add_tick(rate);
        }
        if let Err(slot) = self.accrued.binary_search(&at) {
            self.accrued.insert(slot, at);
        }
    }

    /// Where `resource`'s entry is, or where it would go.
    fn position(&self, resource: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(id, _)| id.as_str().cmp(resource))
    }

    /// Adds an empty entry for a new resource at position `at`.
    fn insert(&mut self, at: usize, resource: &str, kind: &str) -> usize {
        let fresh = LedgerEntry { kind: kind.to_string(), ..LedgerEntry::default() };
        self.entries.insert(at, (resource.to_string(), fresh));
        self.stamp = Stamp::fresh();
        for later in self.accrued.iter_mut().filter(|p| **p >= at) {
            *later += 1;
        }
        at
    }

    /// One resource's entry, if it has ever accrued anything.
    pub fn entry(&self, resource: &str) -> Option<&LedgerEntry> {
        let at = self.position(resource).ok()?;
        self.entries.get(at).map(|(_, entry)| entry)
    }

    /// Every entry, by resource id.
    pub fn entries(&self) -> impl Iterator<Item = (&String, &LedgerEntry)> {
        self.entries.iter().map(|(id, entry)| (id, entry))
    }

    /// Sum of current rates over all resources.
    pub fn rate(&self) -> Rate {
        // Every other entry's current rate is zero, and adding zero changes
        // no sum: this is the sum over all entries in id order, bit for bit.
        let current = self.accrued.iter().filter_map(|&at| self.entries.get(at));
        current.fold(Rate::default(), |acc, (_, e)| Rate {
            cost_usd_per_hour: acc.cost_usd_per_hour + e.cost_usd_per_hour,
            co2e_g_per_hour: acc.co2e_g_per_hour + e.co2e_g_per_hour,
        })
    }

    /// Total cost so far, in US dollars.
    pub fn total_cost_usd(&self) -> f64 {
        self.entries.iter().map(|(_, e)| e.cost_usd).sum()
    }

    /// Total emissions so far, in grams CO2e.
    pub fn total_co2e_g(&self) -> f64 {
        self.entries.iter().map(|(_, e)| e.co2e_g).sum()
    }
}

/// Two ledgers are equal when their entries are.
impl PartialEq for Ledger {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

/// The ledger serializes as `{"entries": {id: entry, ...}}`, ids in order.
impl Serialize for Ledger {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Entries<'a>(&'a [(String, LedgerEntry)]);
        impl Serialize for Entries<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_map(self.0.iter().map(|(id, entry)| (id, entry)))
            }
        }
        let mut ledger = serializer.serialize_struct("Ledger", 1)?;
        ledger.serialize_field("entries", &Entries(&self.entries))?;
        ledger.end()
    }
}

/// The serialized form of a ledger.
#[derive(Deserialize)]
struct StoredLedger {
    entries: BTreeMap<String, LedgerEntry>,
}

impl From<StoredLedger> for Ledger {
    fn from(stored: StoredLedger) -> Self {
        let entries: Vec<(String, LedgerEntry)> = stored.entries.into_iter().collect();
        let accrued = (0..entries.len())
            .filter(|&at| {
                let e = &entries[at].1;
                e.cost_usd_per_hour != 0.0 || e.co2e_g_per_hour != 0.0
            })
            .collect();
        Ledger { entries, accrued, stamp: Stamp::fresh() }
    }
}

/// The CCF rate of one instance type in one region as a function of its
/// utilisation, with everything else worked out once: what an instance's
/// every tick needs, without catalogue lookups. Gives bit for bit what
/// [`instance_rate`] gives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateModel {
    cost_usd_per_hour: f64,
    min_watts: f64,
    watts_range: f64,
    vcpu: f64,
    memory_watts: f64,
    grid_g_per_kwh: f64,
    embodied_g_per_hour: f64,
}

impl RateModel {
    /// The model of `ty` in `region`; an unknown region has no grid
    /// emissions.
    pub fn new(ty: &InstanceType, region: &str) -> Self {
        let power = catalogue().power(ty);
        let share = ty.vcpu as f64 / ty.platform_vcpu.max(1) as f64;
        RateModel {
            cost_usd_per_hour: ty.price_usd_per_hour,
            min_watts: power.min_watts,
            watts_range: power.max_watts - power.min_watts,
            vcpu: ty.vcpu as f64,
            memory_watts: ty.memory_gib * MEMORY_WATTS_PER_GB,
            grid_g_per_kwh: catalogue().grid_g_per_kwh(region).unwrap_or(0.0),
            embodied_g_per_hour: ty.embodied_kg_co2e * 1000.0 / EMBODIED_LIFESPAN_HOURS * share,
        }
    }

    /// Cost and CO2e per hour at `utilisation` (0 to 1).
    pub fn rate_at(&self, utilisation: f64) -> Rate {
        let u = utilisation.clamp(0.0, 1.0);
        let cpu_watts = (self.min_watts + u * self.watts_range) * self.vcpu;
        let kwh_per_hour = (cpu_watts + self.memory_watts) / 1000.0;
        let operational = kwh_per_hour * AWS_PUE * self.grid_g_per_kwh;
        Rate {
            cost_usd_per_hour: self.cost_usd_per_hour,
            co2e_g_per_hour: operational + self.embodied_g_per_hour,
        }
    }
}

/// Cost and CO2e per hour of a running instance at `utilisation` (0 to 1)
/// in `region`, by the Cloud Carbon Footprint method.
pub fn instance_rate(ty: &InstanceType, utilisation: f64, region: &str) -> Rate {
    RateModel::new(ty, region).rate_at(utilisation)
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
