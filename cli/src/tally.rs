//! The demo's score: each flow checked prints one `[gateway] ok|FAIL flow: detail` line.

#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) passed: u32,
    pub(crate) failed: u32,
}

impl Tally {
    pub(crate) fn check(&mut self, gw: impl std::fmt::Display, flow: &str, outcome: Result<String, String>) {
        match outcome {
            Ok(detail) => {
                self.passed += 1;
                println!("[{gw}] ok   {flow}: {detail}");
            }
            Err(why) => {
                self.failed += 1;
                println!("[{gw}] FAIL {flow}: {why}");
            }
        }
    }
}
