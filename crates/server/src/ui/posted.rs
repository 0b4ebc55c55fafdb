//! A refused form shown again as it was typed. A page with several forms (the supermarket's
//! item and hand-out forms, the fund's donation, grant and transfer forms, one contact form
//! per pairing…) keeps the post of the one form that failed ([`Posted`]); each form of the
//! template reads its own values and errors through [`Posted::form`], so a fresh form shows
//! its defaults and the failed one shows exactly what was typed, errors beside the fields.
//!
//! The templates draw fields with the macros of `templates/fields.html`, which read a
//! [`FormView`]: one way to show an error beside its field for every form.

use axum::http::StatusCode;

use suqiu_core::access::Actor;
use suqiu_core::person::Person;
use suqiu_core::Id;
use suqiu_store::people::PeopleFilter;
use suqiu_store::people_search::Among;
use suqiu_store::Page;

use super::i18n::Lang;
use super::view::{person_choice, Choice, FieldErrors};
use super::{fail, render, saved, Flash, FormData, PageResult, UiError};
use crate::problem::Problem;
use crate::state::AppState;

/// The pseudo-field of an error about the whole form (not one field): shown in the summary.
pub(crate) const WHOLE_FORM: &str = "form";

/// What the last post of a page's form left to show again: nothing (a fresh page), or the
/// form's name, its fields as typed and what is wrong with them.
#[derive(Debug, Clone)]
pub(crate) struct Posted {
    form: String,
    data: FormData,
    errors: FieldErrors,
}

impl Posted {
    /// A fresh page: every form shows its defaults.
    pub fn none() -> Posted {
        Posted {
            form: String::new(),
            data: FormData::default(),
            // No error to say, so no language to say it in.
            errors: FieldErrors::new(Lang::Zh),
        }
    }

    /// The post of form `form`, refused for `errors`.
    pub fn refused(form: impl Into<String>, data: FormData, errors: FieldErrors) -> Posted {
        Posted {
            form: form.into(),
            data,
            errors,
        }
    }

    /// The view of form `name` (its typed values only if it is the one posted).
    pub fn form(&self, name: &str) -> FormView<'_> {
        FormView {
            name: name.to_string(),
            posted: (self.form == name).then_some(self),
        }
    }

    /// The view of one row's form (`contact-12`), for pages with a form per row.
    pub fn row(&self, name: &str, id: impl std::fmt::Display) -> FormView<'_> {
        self.form(&format!("{name}-{id}"))
    }

    pub fn any(&self) -> bool {
        self.errors.any()
    }

    /// The status of the page showing it: 422 when a post was refused.
    pub fn status(&self) -> StatusCode {
        if self.any() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        }
    }

    /// Every message, each with the anchor of its field ("" for the whole form): the
    /// summary at the top of the page.
    pub fn summary(&self) -> Vec<(String, String)> {
        self.errors
            .0
            .iter()
            .map(|(field, message)| {
                let href = if field == WHOLE_FORM {
                    String::new()
                } else {
                    format!("#{}", field_id(&self.form, field))
                };
                (href, message.clone())
            })
            .collect()
    }
}

/// The HTML id of a form's field: `grant-amount`, `person-party-category`.
fn field_id(form: &str, field: &str) -> String {
    let clean: String = field
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{form}-{clean}")
}

/// One form of a page as the template draws it.
pub(crate) struct FormView<'a> {
    name: String,
    posted: Option<&'a Posted>,
}

impl FormView<'_> {
    /// Whether this is the form that was posted (and refused).
    pub fn posted(&self) -> bool {
        self.posted.is_some()
    }

    /// The field as typed ("" on a fresh form).
    pub fn value(&self, field: &str) -> String {
        self.posted.map(|p| p.data.raw(field)).unwrap_or_default()
    }

    /// The field as typed, or `default` on a fresh form (today's date, the usual choice).
    pub fn value_or(&self, field: &str, default: &str) -> String {
        match self.posted {
            Some(p) => p.data.raw(field),
            None => default.to_string(),
        }
    }

    /// Whether the choice `value` of a select or radio group was chosen (`default` on a
    /// fresh form).
    pub fn is_or(&self, field: &str, value: &str, default: &str) -> bool {
        match self.posted {
            Some(p) => p.data.get(field) == Some(value),
            None => value == default,
        }
    }

    /// Whether the choice `value` was chosen (none on a fresh form).
    pub fn is(&self, field: &str, value: &str) -> bool {
        self.is_or(field, value, "\u{0}")
    }

    /// Whether the check box `field` with `value` was ticked (repeated boxes keep each).
    pub fn checked(&self, field: &str, value: &str) -> bool {
        self.posted
            .is_some_and(|p| p.data.all(field).iter().any(|v| v == value))
    }

    /// Whether the check box was ticked: as posted, or `default` (as stored) on a fresh
    /// form.
    pub fn checked_or(&self, field: &str, value: &str, default: &bool) -> bool {
        match self.posted {
            Some(_) => self.checked(field, value),
            None => *default,
        }
    }

    /// The error beside `field` ("" when none).
    pub fn error(&self, field: &str) -> &str {
        self.posted.map(|p| p.errors.get(field)).unwrap_or("")
    }

    pub fn invalid(&self, field: &str) -> bool {
        !self.error(field).is_empty()
    }

    /// The HTML id of `field` in this form.
    pub fn id(&self, field: &str) -> String {
        field_id(&self.name, field)
    }

    /// The HTML id of `field`'s error message.
    pub fn err_id(&self, field: &str) -> String {
        format!("err-{}", self.id(field))
    }
}

impl FieldErrors {
    /// The errors of a refusal, the API's field names put as the form calls them
    /// (`amount_cents` is the form's `amount`); a refusal of no field is the whole form's.
    pub fn of_problem(p: &Problem, renames: &[(&str, &str)], lang: Lang) -> FieldErrors {
        let mut errors = FieldErrors::from_problem(p, lang);
        for (field, _) in errors.0.iter_mut() {
            if let Some((_, to)) = renames.iter().find(|(from, _)| from == field) {
                *field = to.to_string();
            }
        }
        errors
    }
}

/// Whether a refusal is the user's to correct on the form (the page shows it again), not a
/// failure of the server or a page that does not exist.
pub(crate) fn correctable(p: &Problem) -> bool {
    matches!(p.status, 400 | 403 | 409 | 422)
}

/// A page rendered with `status` (422 for a form to correct, 409 for a refusal).
pub(crate) fn render_with<T: askama::Template>(
    lang: Lang,
    page: &T,
    status: StatusCode,
) -> PageResult {
    let mut res = render(lang, page)?;
    *res.status_mut() = status;
    Ok(res)
}

/// The answer to one of a page's forms. `form` is its name, its fields as typed, and the
/// API's field names it calls otherwise (`amount_cents` is the fund form's `amount`).
/// Saved by `save`, the user is sent where `done` says, with its flash. Refused by the
/// form's own checks (`body` is `Err`: 422) or by `save` in a way the user can correct (the
/// refusal's status), `page` builds the page again with the post as typed and each error
/// beside its field. Anything else is the error page.
pub(crate) async fn answer<B, T, R, P, E>(
    (state, lang): (&AppState, Lang),
    (form, data, renames): (String, FormData, &[(&str, &str)]),
    (body, save): (Result<B, FieldErrors>, impl AsyncFnOnce(B) -> Result<T, R>),
    done: impl FnOnce(T) -> (String, Flash),
    page: impl AsyncFnOnce(Posted) -> Result<P, E>,
) -> PageResult
where
    R: Into<Problem>,
    P: askama::Template,
    E: Into<UiError>,
{
    let (errors, status) = match body {
        Err(errors) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Ok(body) => match save(body).await.map_err(Into::into) {
            Ok(it) => {
                let (to, flash) = done(it);
                return Ok(saved(state, &to, flash));
            }
            Err(p) if correctable(&p) => (FieldErrors::of_problem(&p, renames, lang), p.status()),
            Err(p) => return Err(UiError::from(p).page(lang)),
        },
    };
    let again = page(Posted::refused(form, data, errors))
        .await
        .map_err(fail(lang))?;
    render_with(lang, &again, status)
}

/// Most people a picker lists (the filter box narrows them); above it, a search.
pub(crate) const PEOPLE_TO_PICK: i64 = 500;

/// The first [`PEOPLE_TO_PICK`] people of `org_unit`'s subtree whom `among` picks, with how
/// many there are.
pub(crate) async fn people_page(
    state: &AppState,
    actor: &Actor,
    (org_unit_id, among): (Option<Id>, Among),
) -> Result<Page<Person>, UiError> {
    let filter = PeopleFilter {
        org_unit_id,
        among,
        page: 1,
        per_page: PEOPLE_TO_PICK,
        ..PeopleFilter::default()
    };
    Ok(state.store.list_people(actor, &filter).await?)
}

/// People as a picker's choices.
pub(crate) fn person_choices<'a>(people: impl IntoIterator<Item = &'a Person>) -> Vec<Choice> {
    people.into_iter().map(|p| person_choice(p, "")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use suqiu_core::error::{Msg, Reason};
    use suqiu_core::msg;

    #[test]
    fn only_the_posted_form_shows_what_was_typed() {
        let data = FormData::from_pairs(&[
            ("direction", "out"),
            ("quantity", " 3x "),
            ("tags", "a"),
            ("tags", "b"),
        ]);
        let mut errors = FieldErrors::new(Lang::Zh);
        errors.push_text("quantity", "数量应为正整数");
        errors.push_text(WHOLE_FORM, "库存不足");
        let posted = Posted::refused("move", data, errors);
        let f = posted.form("move");
        assert!(f.posted() && f.is("direction", "out") && !f.is("direction", "in"));
        assert_eq!(f.value("quantity"), " 3x ");
        assert_eq!(f.error("quantity"), "数量应为正整数");
        assert!(f.checked("tags", "b") && !f.checked("tags", "c"));
        assert_eq!(f.id("party.category"), "move-party-category");
        assert_eq!(f.err_id("quantity"), "err-move-quantity");
        let other = posted.form("item");
        assert!(!other.posted() && other.value("quantity").is_empty());
        assert!(other.is_or("direction", "in", "in") && !other.invalid("quantity"));
        assert_eq!(other.value_or("day", "2026-12-04"), "2026-12-04");
        assert_eq!(
            posted.summary(),
            [
                ("#move-quantity".to_string(), "数量应为正整数".to_string()),
                (String::new(), "库存不足".to_string())
            ]
        );
        assert_eq!(posted.row("contact", 7).id("note"), "contact-7-note");
        assert!(!Posted::none().any());
    }

    #[test]
    fn the_apis_field_names_become_the_forms() {
        use suqiu_core::error::{FieldError, TOO_LONG};
        let p = Problem::invalid(vec![
            FieldError::new(
                "amount_cents",
                &suqiu_core::msg!(
                    "amount_not_positive",
                    "金额应大于 0",
                    "The amount must be more than 0"
                ),
            ),
            FieldError::new(
                "note",
                &suqiu_core::msg!("note_needed", "请写明事由", "Say what it is for"),
            ),
            FieldError::new("title", &TOO_LONG).with("max", 500),
        ]);
        let e = FieldErrors::of_problem(&p, &[("amount_cents", "amount")], Lang::Zh);
        assert_eq!(e.get("amount"), "金额应大于 0");
        assert_eq!(e.get("note"), "请写明事由");
        assert_eq!(e.get("title"), "最多 500 个字");
        // The same refusal on an English page says the rules' English.
        let e = FieldErrors::of_problem(&p, &[("amount_cents", "amount")], Lang::En);
        assert_eq!(e.get("amount"), "The amount must be more than 0");
        assert_eq!(e.get("note"), "Say what it is for");
        assert_eq!(e.get("title"), "At most 500 characters");
        const SHORT: Msg = msg!("short", "库存不足", "Not enough in stock");
        let short = Problem::conflict(Reason::new(&SHORT));
        let e = FieldErrors::of_problem(&short, &[], Lang::Zh);
        assert_eq!(e.get(WHOLE_FORM), "库存不足");
        let e = FieldErrors::of_problem(&short, &[], Lang::En);
        assert_eq!(e.get(WHOLE_FORM), "Not enough in stock");
    }

    /// Every message a save's flash names (and the label of its next link) is in the
    /// catalogue in both languages: a missing one would show "?".
    #[test]
    fn every_flash_key_is_in_the_catalogue() {
        let mut files = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/ui"
        ))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("read the directory") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        let mut checked = 0;
        for path in files {
            let text = std::fs::read_to_string(&path).expect("read a file");
            let mut keys: Vec<String> = text
                .split("Flash::new(\"")
                .skip(1)
                .filter_map(|p| p.split_once('"').map(|(k, _)| k.to_string()))
                .collect();
            // A next link: its label is the last string literal inside the call.
            keys.extend(text.split(".next(").skip(1).filter_map(|p| {
                let mut depth = 1;
                let end = p.char_indices().find_map(|(i, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    (depth == 0).then_some(i)
                })?;
                let call = &p[..end];
                let close = call.rfind('"')?;
                let open = call[..close].rfind('"')?;
                Some(call[open + 1..close].to_string())
            }));
            for key in keys {
                assert_ne!(
                    Lang::Zh.t(&key),
                    "?",
                    "{}: flash key {key:?} is not in the catalogue",
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(checked > 10, "found only {checked} flash keys");
    }
}
