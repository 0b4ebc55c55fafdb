//! 花名册导入's use cases: keep an uploaded roster, check it under a mapping (the guessed
//! one or a corrected one), and register everyone of it in one transaction, or nobody.
//!
//! The capability (`ManagePeople`) is checked here; whether the roster may be imported —
//! its rows, nodes in the importer's scope, the same person twice or already on the
//! register — is `suqiu_core::roster`'s decision over the register's facts the store
//! loads, asked again by the store inside its commit.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::error::FieldError;
use suqiu_core::msg;
use suqiu_core::org::in_subtree;
use suqiu_core::person::Person;
use suqiu_core::roster::{
    check, guess_mapping, keys, Checked, Context, Field, Mapping, NodeRef, Sheet,
};
use suqiu_core::Id;
use suqiu_store::roster::UPLOAD_TTL;
use suqiu_store::StoreError;

use super::{require, AppError, AppResult};
use crate::roster_xlsx::read_roster;
use crate::state::AppState;
use crate::MAX_ROSTER_BYTES;

/// People shown in a preview.
pub(crate) const PREVIEW_ROWS: usize = 20;

/// An uploaded roster checked under a mapping: what both faces show of it.
pub(crate) struct Preview {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub headers: Vec<String>,
    /// Data rows read (blank rows left out).
    pub rows: usize,
    pub mapping: Mapping,
    pub checked: Checked,
    /// Whether the reader sees phones and ID numbers whole.
    pub reveal: bool,
    unit_names: HashMap<Id, String>,
}

impl Preview {
    /// The field column `col` fills under the mapping.
    pub fn field_of(&self, col: usize) -> Option<Field> {
        self.mapping
            .iter()
            .find(|(_, c)| **c == col)
            .map(|(f, _)| *f)
    }

    /// The name of the node a person would be registered at.
    pub fn unit_name(&self, id: Id) -> String {
        self.unit_names.get(&id).cloned().unwrap_or_default()
    }

    /// The first people, as they would be stored.
    pub fn shown(&self) -> &[(u32, Person)] {
        let people = &self.checked.people;
        &people[..people.len().min(PREVIEW_ROWS)]
    }

    /// True when a commit under this mapping would import every row.
    pub fn ready(&self) -> bool {
        self.checked.errors.is_empty()
    }
}

/// Whether the actor may import at all: asked before an upload's body is read (a role
/// that may not import sends its file for nothing) and by the upload form.
pub(crate) fn may_import(actor: &Actor) -> AppResult<()> {
    require(actor, Capability::ManagePeople, &deed::IMPORT_PEOPLE)
}

/// The sheet of an uploaded file, or what is wrong with the file (on `file`).
fn sheet_of(file: Option<&[u8]>) -> AppResult<Sheet> {
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        let e = FieldError::new(
            "file",
            &msg!(
                "roster_file_needed",
                "请选择要导入的 .xlsx 文件",
                "Choose the .xlsx file to import"
            ),
        );
        return Err(AppError::Invalid(vec![e]));
    };
    if bytes.len() > MAX_ROSTER_BYTES {
        let msg = msg!(
            "roster_file_too_big",
            "文件不能超过 {max} MB",
            "The file is at most {max} MB"
        );
        let error = FieldError::new("file", &msg).with("max", MAX_ROSTER_BYTES / (1024 * 1024));
        return Err(AppError::Invalid(vec![error]));
    }
    read_roster(bytes).map_err(|e| AppError::Invalid(vec![e]))
}

/// Keeps the roster's cells (not the file) for an hour under a new token.
async fn keep_sheet(
    state: &AppState,
    actor: &Actor,
    file: Option<&[u8]>,
) -> AppResult<(String, Sheet)> {
    let sheet = sheet_of(file)?;
    let token = state
        .store
        .save_roster(actor.user_id, &sheet, state.now())
        .await?;
    Ok((token, sheet))
}

/// Keeps an uploaded roster; its token (the page shows it next).
pub(crate) async fn keep(
    state: &AppState,
    actor: &Actor,
    file: Option<&[u8]>,
) -> AppResult<String> {
    may_import(actor)?;
    Ok(keep_sheet(state, actor, file).await?.0)
}

/// Keeps an uploaded roster and checks it under the mapping guessed from its headers.
/// Nothing is registered yet.
pub(crate) async fn upload(
    state: &AppState,
    actor: &Actor,
    file: Option<&[u8]>,
) -> AppResult<Preview> {
    may_import(actor)?;
    let (token, sheet) = keep_sheet(state, actor, file).await?;
    let expires_at = state.now() + UPLOAD_TTL;
    preview_of(state, actor, (token, expires_at), &sheet, None).await
}

/// The uploaded roster of `token` (the actor's, not expired) and when it expires.
pub(crate) async fn stored(
    state: &AppState,
    actor: &Actor,
    token: &str,
) -> AppResult<(Sheet, DateTime<Utc>)> {
    may_import(actor)?;
    stored_sheet(state, actor, token).await
}

async fn stored_sheet(
    state: &AppState,
    actor: &Actor,
    token: &str,
) -> AppResult<(Sheet, DateTime<Utc>)> {
    // The store makes 32 hex digits; anything else names no upload (and never reaches SQL).
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    state
        .store
        .roster(actor.user_id, token, state.now())
        .await?
        .ok_or(AppError::NotFound)
}

/// Checks an uploaded roster again under `mapping` (`None`: the one guessed from its
/// headers).
pub(crate) async fn preview(
    state: &AppState,
    actor: &Actor,
    token: String,
    mapping: Option<Mapping>,
) -> AppResult<Preview> {
    may_import(actor)?;
    let (sheet, expires_at) = stored_sheet(state, actor, &token).await?;
    preview_of(state, actor, (token, expires_at), &sheet, mapping).await
}

/// Registers every person of the roster under `mapping` (`None`: the guess) in one
/// transaction, or nobody: every error with its row. The upload goes with the commit.
pub(crate) async fn commit(
    state: &AppState,
    actor: &Actor,
    token: &str,
    mapping: Option<Mapping>,
) -> AppResult<Vec<Id>> {
    may_import(actor)?;
    let (sheet, _) = stored_sheet(state, actor, token).await?;
    let mapping = mapping.unwrap_or_else(|| guess_mapping(&sheet.headers));
    let checked = checked(state, actor, &sheet, &mapping).await?;
    // Refused in the words the store uses when it finds the same inside its transaction.
    let plan = checked
        .plan()
        .map_err(|rows| AppError::Store(StoreError::Rows(rows)))?;
    Ok(state
        .store
        .commit_roster(actor.user_id, token, &plan.people, state.now())
        .await?)
}

/// `sheet` checked under `mapping` as the actor imports it, against the register.
async fn checked(
    state: &AppState,
    actor: &Actor,
    sheet: &Sheet,
    mapping: &Mapping,
) -> AppResult<Checked> {
    let nodes: Vec<NodeRef> = state
        .store
        .org_units()
        .await?
        .into_iter()
        .map(|u| NodeRef {
            in_scope: in_subtree(&actor.org_path, &u.path),
            id: u.id,
            code: u.code,
            name: u.name,
        })
        .collect();
    let ctx = Context {
        today: shanghai_date(state.now()),
        nodes: &nodes,
        default_node: actor.org_unit_id,
    };
    let read = check(sheet, mapping, &ctx);
    let existing = state.store.existing_people(&keys(&read.people)).await?;
    Ok(read.against(&existing))
}

async fn preview_of(
    state: &AppState,
    actor: &Actor,
    (token, expires_at): (String, DateTime<Utc>),
    sheet: &Sheet,
    mapping: Option<Mapping>,
) -> AppResult<Preview> {
    let mapping = mapping.unwrap_or_else(|| guess_mapping(&sheet.headers));
    let checked = checked(state, actor, sheet, &mapping).await?;
    let unit_names = state
        .store
        .org_units()
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(Preview {
        token,
        expires_at,
        headers: sheet.headers.clone(),
        rows: sheet.rows.len(),
        mapping,
        checked,
        reveal: actor.may(Capability::SeePersonalData),
        unit_names,
    })
}
