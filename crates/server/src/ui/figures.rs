//! How the pages show core's figures (`suqiu_core::figures`): each figure's label with its
//! one-line explanation as a tooltip, the legend of a page's figures, and a rank or "too few
//! to judge" as the scoreboards show it.

use suqiu_core::figures::Figure;
use suqiu_core::ranking;

use super::i18n::Lang;

/// A figure's label and explanation in the page's language.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Term {
    /// The figure's code (its JSON field): pages mark each number with it (`data-figure`),
    /// so a test can read one figure off every surface.
    pub code: &'static str,
    pub label: &'static str,
    pub note: &'static str,
}

pub(crate) fn term(lang: Lang, f: &Figure) -> Term {
    match lang {
        Lang::Zh => Term {
            code: f.code,
            label: f.zh,
            note: f.note_zh,
        },
        Lang::En => Term {
            code: f.code,
            label: f.en,
            note: f.note_en,
        },
    }
}

/// The legend (`<dl>`) of the figures a page shows.
pub(crate) fn legend(lang: Lang, figures: &[Figure]) -> Vec<Term> {
    figures.iter().map(|f| term(lang, f)).collect()
}

/// A scoreboard's rank cell: the rank, or 样本不足（N件） for a unit not judged.
pub(crate) fn rank_text(lang: Lang, rank: Option<u32>, sample: u64) -> String {
    match rank {
        Some(r) => r.to_string(),
        None => match lang {
            Lang::Zh => ranking::unjudged_zh(sample),
            Lang::En => ranking::unjudged_en(sample),
        },
    }
}

/// The ranking rule in one sentence, with the district's minimum.
pub(crate) fn rule(lang: Lang, min_sample: u64) -> String {
    lang.t("ranking.rule")
        .replace("{n}", &min_sample.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use suqiu_core::figures::OVERDUE_NOW;

    #[test]
    fn ranks_and_rules_read_in_both_languages() {
        assert_eq!(rank_text(Lang::Zh, Some(2), 9), "2");
        assert_eq!(rank_text(Lang::Zh, None, 3), "样本不足（3件）");
        assert_eq!(rank_text(Lang::En, None, 3), "Too few to judge (3)");
        assert!(rule(Lang::Zh, 5).contains("不少于 5 件"));
        assert_eq!(term(Lang::Zh, &OVERDUE_NOW).label, "已超期");
        assert_eq!(Lang::En.t("figure.overdue_now"), "Overdue now");
        assert_eq!(Lang::Zh.t("figure.overdue_now.note"), OVERDUE_NOW.note_zh);
    }
}
