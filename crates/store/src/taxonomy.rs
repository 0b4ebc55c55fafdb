//! Changing the taxonomy (分类) from the settings page: a second-level category added under a
//! first-level one, and a category renamed (its Chinese and English names). Codes never
//! change, since appeals, roll-ups and time-limit overrides hold them; nothing is deleted for
//! the same reason.

use suqiu_core::category::Category;
use suqiu_core::error::FieldError;
use suqiu_core::msg;

use crate::error::{Result, StoreError};
use crate::sql::{get, invalid};
use crate::Store;

/// The longest category name the forms and reports lay out (Chinese), and the longest
/// English one (English words take about three times the width of Chinese characters).
const MAX_NAME: usize = 20;
const MAX_NAME_EN: usize = 60;

fn checked_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid(
            "name",
            &msg!(
                "category_name_empty",
                "请填写分类名称",
                "Enter the category name"
            ),
        ));
    }
    if name.chars().count() > MAX_NAME {
        return Err(StoreError::Invalid(
            FieldError::new(
                "name",
                &msg!(
                    "category_name_too_long",
                    "分类名称最多 {max} 个字",
                    "A category name has at most {max} characters"
                ),
            )
            .with("max", MAX_NAME),
        ));
    }
    Ok(name.to_string())
}

/// An English name: blank is none (the English pages then show the Chinese name); else
/// plain printable text of at most [`MAX_NAME_EN`] characters.
fn checked_name_en(name_en: &str) -> Result<Option<String>> {
    let name_en = name_en.trim();
    if name_en.is_empty() {
        return Ok(None);
    }
    if name_en.chars().count() > MAX_NAME_EN || name_en.chars().any(char::is_control) {
        return Err(StoreError::Invalid(
            FieldError::new(
                "name_en",
                &msg!(
                    "category_name_en_too_long",
                    "英文名称最多 {max} 个字符",
                    "An English name has at most {max} characters"
                ),
            )
            .with("max", MAX_NAME_EN),
        ));
    }
    Ok(Some(name_en.to_string()))
}

impl Store {
    /// Adds a second-level category under the first-level `parent_code`, last in its order,
    /// with the next free code `parent.cN`. `Invalid` for an unknown or second-level parent,
    /// a blank or long name, or a name its siblings already have.
    pub async fn add_category(
        &self,
        parent_code: &str,
        name: &str,
        name_en: &str,
    ) -> Result<Category> {
        let name = checked_name(name)?;
        let name_en = checked_name_en(name_en)?;
        let mut tx = self.writer.begin().await?;
        let parent = sqlx::query("SELECT parent_code FROM categories WHERE code = $1")
            .bind(parent_code)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                invalid(
                    "parent_code",
                    &msg!(
                        "parent_category_unknown",
                        "未知的一级分类",
                        "Unknown top-level category"
                    ),
                )
            })?;
        if get::<Option<String>>(&parent, "parent_code")?.is_some() {
            return Err(invalid(
                "parent_code",
                &msg!(
                    "add_under_top_level",
                    "只能在一级分类下新增",
                    "New categories go under a top-level category"
                ),
            ));
        }
        let siblings = sqlx::query("SELECT code, name FROM categories WHERE parent_code = $1")
            .bind(parent_code)
            .fetch_all(&mut *tx)
            .await?;
        let mut taken = Vec::with_capacity(siblings.len());
        for r in &siblings {
            if get::<String>(r, "name")? == name {
                return Err(StoreError::Invalid(
                    FieldError::new(
                        "name",
                        &msg!(
                            "category_name_exists",
                            "「{name}」已有",
                            "\"{name}\" exists already"
                        ),
                    )
                    .with("name", &name),
                ));
            }
            taken.push(get::<String>(r, "code")?);
        }
        let code = (1..)
            .map(|n| format!("{parent_code}.c{n}"))
            .find(|c| !taken.contains(c))
            .unwrap_or_default();
        sqlx::query(
            "INSERT INTO categories (code, name, name_en, parent_code, sort) \
             SELECT $1, $2, $3, $4, COALESCE(MAX(sort), 0) + 1 FROM categories",
        )
        .bind(&code)
        .bind(&name)
        .bind(&name_en)
        .bind(parent_code)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.lookups.invalidate();
        Ok(Category {
            code,
            name,
            name_en,
            parent_code: Some(parent_code.to_string()),
        })
    }

    /// Renames a category; returns its old Chinese name. A blank name keeps the one it has
    /// (so either name can be changed alone), but one of the two must be given. `NotFound`
    /// for an unknown code.
    pub async fn rename_category(&self, code: &str, name: &str, name_en: &str) -> Result<String> {
        if name.trim().is_empty() && name_en.trim().is_empty() {
            return Err(invalid(
                "name",
                &msg!(
                    "category_rename_empty",
                    "请填写新的中文或英文名称",
                    "Enter a new Chinese or English name"
                ),
            ));
        }
        let mut tx = self.writer.begin().await?;
        let old = sqlx::query("SELECT name, name_en FROM categories WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (old, old_en): (String, Option<String>) = (get(&old, "name")?, get(&old, "name_en")?);
        let name = if name.trim().is_empty() {
            old.clone()
        } else {
            checked_name(name)?
        };
        let name_en = match checked_name_en(name_en)? {
            None => old_en,
            given => given,
        };
        sqlx::query("UPDATE categories SET name = $1, name_en = $2 WHERE code = $3")
            .bind(&name)
            .bind(&name_en)
            .bind(code)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.lookups.invalidate();
        Ok(old)
    }
}

#[cfg(test)]
mod tests {
    use suqiu_core::category::default_taxonomy;

    /// Migration 0023 fills the English names of databases seeded before it; they must be the
    /// names a new database is seeded with, on both backends.
    #[test]
    fn the_migration_names_the_built_in_taxonomy_as_the_seed_does() {
        for sql in [
            include_str!("../migrations/sqlite/0023_category_english.sql"),
            include_str!("../migrations/postgres/0023_category_english.sql"),
        ] {
            let mut named = 0;
            // `unsorted` came later, with its English name, by the seed itself (db.rs).
            let named_by_0023 = default_taxonomy()
                .into_iter()
                .filter(|c| c.code != suqiu_core::category::UNSORTED);
            for c in named_by_0023 {
                let en = c
                    .name_en
                    .as_deref()
                    .expect("an English name")
                    .replace('\'', "''");
                let update = format!(
                    "UPDATE categories SET name_en = '{en}' WHERE code = '{}';",
                    c.code
                );
                assert!(sql.contains(&update), "0023 lacks {update}");
                named += 1;
            }
            assert_eq!(sql.matches("UPDATE categories").count(), named);
        }
    }
}
