//! `/admin/categories`: the taxonomy with its Chinese and English names; a second-level
//! category added under a first-level one, a category renamed (the district's).

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::category::Category;

use suqiu_store::changes::ChangeKind;

use super::{again, done, record, require_admin, require_configure};

use crate::state::AppState;
use crate::ui::view::{Choice, Chrome, FieldErrors};
use crate::ui::{fail, render, PageResult, PostForm, Session, UiError};

/// One category as the page lists it.
struct Named {
    code: String,
    name: String,
    name_en: String,
}

impl Named {
    fn of(c: &Category) -> Named {
        Named {
            code: c.code.clone(),
            name: c.name.clone(),
            name_en: c.name_en.clone().unwrap_or_default(),
        }
    }
}

/// A category form as typed: which category (`code`, the rename form) or under which
/// (`parent_code`, the add form), and the two names.
#[derive(Debug, Clone, Default)]
struct Draft {
    parent_code: String,
    code: String,
    name: String,
    name_en: String,
}

#[derive(Template)]
#[template(path = "admin_categories.html")]
struct CategoriesPage {
    c: Chrome,
    /// Each first-level category with its children.
    taxonomy: Vec<(Named, Vec<Named>)>,
    may_configure: bool,
    parents: Vec<Choice>,
    /// Every category (to rename), second level indented.
    all: Vec<Choice>,
    /// The add form and the rename form, each with its errors (only the one posted has any).
    add: Draft,
    add_errors: FieldErrors,
    rename: Draft,
    rename_errors: FieldErrors,
}

impl CategoriesPage {
    /// The other-field errors of a form (a refusal that names no field of it).
    fn others(errors: &FieldErrors) -> Vec<String> {
        errors.other(&["parent_code", "code", "name", "name_en"])
    }
}

async fn categories_page(
    state: &AppState,
    s: &Session,
    (add, add_errors): (Draft, FieldErrors),
    (rename, rename_errors): (Draft, FieldErrors),
) -> Result<CategoriesPage, UiError> {
    let cats = state.store.categories().await?;
    let english = s.lang == super::super::i18n::Lang::En;
    let first: Vec<&Category> = cats.iter().filter(|c| c.parent_code.is_none()).collect();
    let children = |parent: &str| {
        cats.iter()
            .filter(move |c| c.parent_code.as_deref() == Some(parent))
            .collect::<Vec<_>>()
    };
    let taxonomy = first
        .iter()
        .map(|c| {
            (
                Named::of(c),
                children(&c.code).into_iter().map(Named::of).collect(),
            )
        })
        .collect();
    let parents = first
        .iter()
        .map(|c| Choice::new(c.code.clone(), c.name_in(english), &add.parent_code))
        .collect();
    let mut all = Vec::with_capacity(cats.len());
    for c in &first {
        all.push(Choice::new(
            c.code.clone(),
            c.name_in(english),
            &rename.code,
        ));
        for child in children(&c.code) {
            let label = format!("\u{a0}\u{a0}\u{a0}\u{a0}{}", child.name_in(english));
            all.push(Choice::new(child.code.clone(), label, &rename.code));
        }
    }
    Ok(CategoriesPage {
        c: s.chrome("admin_categories"),
        taxonomy,
        may_configure: s.may(Capability::Configure),
        parents,
        all,
        add,
        add_errors,
        rename,
        rename_errors,
    })
}

/// `GET /admin/categories`.
pub(crate) async fn page(State(state): State<AppState>, s: Session) -> PageResult {
    require_admin(&s)?;
    let none = || (Draft::default(), FieldErrors::new(s.lang));
    let page = categories_page(&state, &s, none(), none())
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &page)
}

/// A change to the log's words for it.
type Logged = (ChangeKind, Vec<(&'static str, String)>);

/// Renames the category `draft.code`; the change as the log words it.
async fn rename(state: &AppState, draft: &Draft) -> Result<Logged, suqiu_store::StoreError> {
    let code = draft.code.trim();
    let old = state
        .store
        .rename_category(code, &draft.name, &draft.name_en)
        .await?;
    // Either name may have been left as it was: say what both are now.
    let name = Some(draft.name.trim()).filter(|n| !n.is_empty());
    let name_en = Some(draft.name_en.trim()).filter(|n| !n.is_empty());
    let mut params = vec![
        ("code", code.to_string()),
        ("name", name.unwrap_or(&old).to_string()),
        ("old", old.clone()),
    ];
    let kind = match name_en {
        Some(en) => {
            params.push(("name_en", en.to_string()));
            ChangeKind::CategoryRenamed
        }
        None => ChangeKind::CategoryRenamedZh,
    };
    Ok((kind, params))
}

/// Adds a second-level category under `draft.parent_code`; the change as the log words it.
async fn add(state: &AppState, draft: &Draft) -> Result<Logged, suqiu_store::StoreError> {
    let parent = draft.parent_code.trim();
    let c = state
        .store
        .add_category(parent, &draft.name, &draft.name_en)
        .await?;
    let params = vec![
        ("name", c.name),
        ("code", c.code),
        ("parent", parent.to_string()),
    ];
    Ok((ChangeKind::CategoryAdded, params))
}

/// `POST /admin/categories`: a second-level category under a first-level one
/// (`parent_code`, `name`, `name_en`), or a category renamed (`code`, `name`, `name_en`).
/// District administrators; recorded like every settings change.
pub(crate) async fn save(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    require_configure(&s)?;
    let f = &post.form;
    let draft = Draft {
        parent_code: f.raw("parent_code"),
        code: f.raw("code"),
        name: f.raw("name"),
        name_en: f.raw("name_en"),
    };
    let renaming = f.get("code").is_some();
    let outcome = if renaming {
        rename(&state, &draft).await
    } else {
        add(&state, &draft).await
    };
    let e = match outcome {
        Ok((kind, params)) => {
            record(&state, &s, "categories", kind, &params)
                .await
                .map_err(fail(s.lang))?;
            let shown = [draft.name.trim(), draft.name_en.trim()]
                .into_iter()
                .filter(|n| !n.is_empty())
                .collect::<Vec<_>>()
                .join(" / ");
            return Ok(done(
                &state,
                "/admin/categories",
                "flash.admin_category",
                &shown,
            ));
        }
        Err(e) => e,
    };
    let p = crate::problem::Problem::from(e);
    let errors = match p.status {
        // An unknown category to rename is the form's `code` field at fault.
        404 => {
            let mut errors = FieldErrors::new(s.lang);
            errors.push_text("code", s.lang.t("admin.err_category"));
            errors
        }
        409 | 422 => FieldErrors::from_problem(&p, s.lang),
        _ => return Err(UiError::from(p).page(s.lang)),
    };
    let none = || (Draft::default(), FieldErrors::new(s.lang));
    let (add, rename) = if renaming {
        (none(), (draft, errors))
    } else {
        ((draft, errors), none())
    };
    let page = categories_page(&state, &s, add, rename)
        .await
        .map_err(fail(s.lang))?;
    again(&s, &page)
}
