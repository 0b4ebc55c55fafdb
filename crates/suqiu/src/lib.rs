//! The `suqiu` binary's library half: CLI commands, the demo district and the benchmarks,
//! kept in a library so integration tests can use them.

pub mod backup;
pub mod bench;
pub mod check;
pub mod cli;
pub mod demo;
pub mod open311;
pub mod text;
