//! GameDay Sandbox: a cloud sustainability GameDay, simulated.
//!
//! This crate is the simulation and the game rules, with no user interface
//! and no browser dependency, so it runs natively (tests, benchmarks, the
//! `gameday-run` replayer) and in wasm32 behind the Yew app alike.
//!
//! - [`world`]: the simulated cloud, its clock, randomness and ledger.
//! - [`services`]: the AWS services, each modelling a real one.
//! - [`consumer`]: the company's queue workers on EC2 instances.
//! - [`command`]: command lines in, tool output or tool errors out.
//! - [`quest`]: quest files, objectives, scoring and play sessions.

pub mod calendar;
pub mod catalogue;
pub mod clock;
pub mod command;
pub mod console;
pub mod consumer;
pub mod events;
pub mod files;
pub mod history;
pub mod k8s;
pub mod ledger;
pub mod quest;
pub mod services;
pub mod world;
