//! The search benchmarks: words and fragments, the relevance order, a filter, a station.

use anyhow::Result;

use super::{Account, Bench};

impl Bench<'_> {
    /// Full-text search by words, then by fragments, district-wide; by words in the relevance
    /// order, with a status filter, and at a station (its subtree only).
    pub(super) async fn search(&mut self) -> Result<()> {
        let words = ["水管", "电梯", "群租", "噪音", "停车", "独居老人"];
        let searches = words.map(|q| self.url(&format!("/api/v1/appeals?per_page=50&q={q}")));
        let name = "full-text search, district-wide";
        self.read(name, &searches, Account::Admin, self.args.reads)
            .await?;
        let name = "full-text search, a station (fzq)";
        self.read(name, &searches, Account::Fzq, self.args.reads)
            .await?;
        let ranked =
            words.map(|q| self.url(&format!("/api/v1/appeals?per_page=50&sort=relevance&q={q}")));
        let name = "full-text search by relevance (whole words first), district-wide";
        self.read(name, &ranked, Account::Admin, self.args.reads)
            .await?;
        let filtered = words.map(|q| {
            self.url(&format!(
                "/api/v1/appeals?per_page=50&status=in_progress&q={q}"
            ))
        });
        let name = "full-text search with a status filter (in_progress), district-wide";
        self.read(name, &filtered, Account::Admin, self.args.reads)
            .await?;
        // Fragments across jieba's words (管老化 of 水管老化漏水), a building number whole,
        // part of an estate's name, and a rare pair of characters.
        let fragments = ["管老化", "5号楼", "402室", "花苑", "梯坏", "漏水严"]
            .map(|q| self.url(&format!("/api/v1/appeals?per_page=50&q={q}")));
        let name = "fragment search, district-wide";
        self.read(name, &fragments, Account::Admin, self.args.reads)
            .await
    }
}
