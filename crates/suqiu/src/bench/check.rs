//! The intake form's preview under load: what the receptionist waits for as she types.

use std::time::Instant;

use anyhow::{bail, Context, Result};
use rand::SeedableRng;

use super::{get, new_hist, phase_bar, Bench, Summary};
use crate::demo;

impl Bench<'_> {
    /// The intake form's preview as the receptionist types (`POST /appeals/new/check`):
    /// deadlines, and the similar appeals of the last 30 days — the same person or place and
    /// the near-duplicate finder (issue 16's budget: < 20 ms at 1M appeals). The texts come
    /// from the generator that filled the database, so near-duplicates are there to find.
    pub(super) async fn intake_check(&mut self) -> Result<()> {
        let page = get(&self.client, &self.url("/appeals/new"), &self.fzq).await?;
        let html = page.text().await?;
        let csrf = html
            .split("name=\"_csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .context("the intake page has no _csrf field")?
            .to_string();
        let mut rng = rand::rngs::StdRng::seed_from_u64(16);
        let forms: Vec<Vec<(&str, String)>> = (0..50)
            .map(|_| {
                let text = demo::corpus::generate(&mut rng, "佛字桥居民区");
                vec![
                    ("_csrf", csrf.clone()),
                    ("mode", "anonymous".into()),
                    ("org_unit_id", self.station.to_string()),
                    ("kind", text.kind.code().into()),
                    ("category", text.category.into()),
                    ("urgency", text.urgency.code().into()),
                    ("title", text.title),
                    ("content", text.content),
                    ("location", text.location),
                ]
            })
            .collect();
        let url = self.url("/appeals/new/check");
        let name = "intake preview with similar appeals (fzq): POST /appeals/new/check";
        let bar = phase_bar(name, self.args.reads);
        let mut hist = new_hist();
        let started = Instant::now();
        for i in 0..self.args.reads {
            let form = &forms[i as usize % forms.len()];
            let t = Instant::now();
            let resp = self
                .client
                .post(&url)
                .bearer_auth(&self.fzq)
                .form(form)
                .send()
                .await?;
            let status = resp.status();
            resp.bytes().await?;
            if !status.is_success() {
                bail!("the intake preview returned {status}");
            }
            hist.record(t.elapsed().as_micros() as u64).ok();
            bar.inc(1);
        }
        bar.finish_and_clear();
        let seconds = started.elapsed().as_secs_f64();
        let requests = self.args.reads;
        self.finished(Summary {
            name: name.into(),
            requests,
            seconds,
            hist,
        });
        Ok(())
    }
}
