//! Background jobs of the server, started by `suqiu serve` (tests call their `run_once`
//! with a fake clock instead, so nothing runs behind a test's back).

pub mod outbound;
pub mod watch;
