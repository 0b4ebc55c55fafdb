//! The orders a list of appeals can be read in.

/// The order of a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AppealSort {
    /// Newest received first (the default).
    #[default]
    Newest,
    Oldest,
    /// The nearest current deadline first; appeals without one (not open) last.
    Deadline,
    /// With a search text: the appeals holding more of its pieces as whole words first
    /// (`Segmenter::whole_word_hits`), newest first among equals — over the newest
    /// [`COUNT_CAP`](super::COUNT_CAP) matches, as the total counts them. Without one, newest first.
    Relevance,
}

impl AppealSort {
    /// Every order, by its code in `?sort=`.
    pub const ALL: [AppealSort; 4] = [
        AppealSort::Newest,
        AppealSort::Oldest,
        AppealSort::Deadline,
        AppealSort::Relevance,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AppealSort::Newest => "newest",
            AppealSort::Oldest => "oldest",
            AppealSort::Deadline => "deadline",
            AppealSort::Relevance => "relevance",
        }
    }

    pub fn parse(code: &str) -> Option<AppealSort> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The codes, `|`-joined, for error messages.
    pub fn codes() -> String {
        Self::ALL.map(Self::code).join("|")
    }

    /// The order the list query reads rows in: the relevance order reads the newest and
    /// reranks them (see `Store::list_appeals`).
    pub(crate) fn in_sql(self) -> AppealSort {
        match self {
            AppealSort::Relevance => AppealSort::Newest,
            sort => sort,
        }
    }

    /// The ORDER BY of the list query (appeals alias `a`). Ids follow the order received
    /// (see `ListQuery::page_sql`); `id` breaks ties so pages are stable.
    pub(crate) fn order_by(self) -> &'static str {
        match self {
            AppealSort::Newest | AppealSort::Relevance => "a.id DESC",
            AppealSort::Oldest => "a.id ASC",
            AppealSort::Deadline => {
                "CASE WHEN a.due_at IS NULL THEN 1 ELSE 0 END, a.due_at ASC, a.id ASC"
            }
        }
    }
}
