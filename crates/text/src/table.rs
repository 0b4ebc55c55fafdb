//! Labelled text files for the classifier's CLI: UTF-8 CSV (RFC 4180: quoted fields may
//! hold commas, newlines and `""`) with a header row, or TSV when the name ends in `.tsv`.
//! A UTF-8 byte-order mark is accepted; blank rows are skipped. Every refusal names the file's
//! line (as an editor counts it) or the missing column and the columns there are.

use std::path::{Path, PathBuf};

/// Why a file cannot be used.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TableError {
    #[error("无法读取文件 {path}：{reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("{path} 第 {line} 行不是 UTF-8 编码（请另存为 UTF-8）")]
    NotUtf8 { path: PathBuf, line: u64 },
    #[error("{path} 是空文件，没有表头行")]
    NoHeader { path: PathBuf },
    #[error("{path} 第 {line} 行格式有误：{reason}")]
    Malformed {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error("{path} 没有列「{column}」；表头中的列：{}", .columns.join("、"))]
    MissingColumn {
        path: PathBuf,
        column: String,
        columns: Vec<String>,
    },
    #[error("{path} 第 {line} 行的标签（列「{column}」）为空")]
    EmptyLabel {
        path: PathBuf,
        line: u64,
        column: String,
    },
    #[error("{path} 第 {line} 行的列「{column}」为空")]
    EmptyValue {
        path: PathBuf,
        line: u64,
        column: String,
    },
    #[error("{path} 第 {line} 行的时间（列「{column}」）无法识别：「{value}」（可用 2019/2/28 11:25:05 或 2019-02-28T11:25:05）")]
    BadTime {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
    },
    #[error("{path} 第 {line} 行的文本（列「{}」）为空", .columns.join("、"))]
    EmptyText {
        path: PathBuf,
        line: u64,
        columns: Vec<String>,
    },
}

/// A row and the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub fields: Vec<String>,
}

/// A file's header and rows.
#[derive(Debug, Clone)]
pub struct Table {
    path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// The line a byte offset is on (1-based).
fn line_at(bytes: &[u8], offset: usize) -> u64 {
    1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u64
}

impl Table {
    /// Reads a whole CSV (or `.tsv`) file.
    pub fn read(path: &Path) -> Result<Table, TableError> {
        let bytes = std::fs::read(path).map_err(|e| TableError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| TableError::NotUtf8 {
            path: path.to_path_buf(),
            line: line_at(&bytes, e.valid_up_to()),
        })?;
        let tsv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
        Table::parse(path, text, tsv)
    }

    /// Parses text already read; `tsv`: tab-separated, no quoting.
    pub fn parse(path: &Path, text: &str, tsv: bool) -> Result<Table, TableError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(if tsv { b'\t' } else { b',' })
            .quoting(!tsv)
            .has_headers(false)
            .from_reader(text.as_bytes());
        // csv's own line count lags after a CRLF; the byte offset is exact. Counted on from
        // the last row's (records come in order): counting from the start each time made
        // reading a file of thousands of long rows take seconds.
        let counted = std::cell::Cell::new((0usize, 1u64));
        let line_of = |p: Option<&csv::Position>| {
            p.map_or(0, |p| {
                let bytes = text.as_bytes();
                let at = p.byte() as usize;
                let start = at
                    + (bytes[at..].iter())
                        .take_while(|b| matches!(b, b'\r' | b'\n'))
                        .count();
                let (from, line) = counted.get();
                let from = if start >= from { from } else { 0 };
                let line = if from == 0 { 1 } else { line };
                let line = line + line_at(&bytes[from..], start - from) - 1;
                counted.set((start, line));
                line
            })
        };
        let malformed = |e: csv::Error| TableError::Malformed {
            path: path.to_path_buf(),
            line: line_of(e.position()),
            reason: match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!("有 {len} 个字段，表头有 {expected_len} 个"),
                _ => e.to_string(),
            },
        };
        let mut records = reader.records();
        let header: Vec<String> = match records.next() {
            Some(r) => r
                .map_err(malformed)?
                .iter()
                .map(|h| h.trim().to_string())
                .collect(),
            None => return Err(TableError::NoHeader { path: path.into() }),
        };
        let mut rows = Vec::new();
        for record in records {
            let record = record.map_err(malformed)?;
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            rows.push(Row {
                line: line_of(record.position()),
                fields: record.iter().map(String::from).collect(),
            });
        }
        Ok(Table {
            path: path.into(),
            header,
            rows,
        })
    }

    /// The index of a column, or the error naming it and listing the header's columns.
    pub fn column(&self, name: &str) -> Result<usize, TableError> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| TableError::MissingColumn {
                path: self.path.clone(),
                column: name.to_string(),
                columns: self.header.clone(),
            })
    }

    /// Each row's text: the named columns joined with a space. A row whose text is empty
    /// is refused (it can teach or test nothing).
    pub fn texts(&self, columns: &[String]) -> Result<Vec<String>, TableError> {
        let idx = self.columns(columns)?;
        self.rows
            .iter()
            .map(|row| self.text(row, &idx, columns, " "))
            .collect()
    }

    /// Each row's (text, label), checked row by row: the first bad line is the one named. The
    /// text columns are joined by line breaks, as the server joins an appeal's title and
    /// content: the classifier reads the first line (the title) as the head.
    pub fn labelled(
        &self,
        text: &[String],
        label: &str,
    ) -> Result<Vec<(String, String)>, TableError> {
        let idx = self.columns(text)?;
        let l = self.column(label)?;
        self.rows
            .iter()
            .map(|row| {
                let t = self.text(row, &idx, text, "\n")?;
                let value = row.fields[l].trim();
                if value.is_empty() {
                    return Err(TableError::EmptyLabel {
                        path: self.path.clone(),
                        line: row.line,
                        column: label.to_string(),
                    });
                }
                Ok((t, value.to_string()))
            })
            .collect()
    }

    /// The examples a taxonomy file teaches (`suqiu text train --taxonomy`): in each row the
    /// first column is a label and the others its terms from broad to narrow (二级分类,
    /// 三级分类 …). The text is the narrowest term — first, where the model reads a title —
    /// then every term: how a category is named is evidence of it before any appeal is filed.
    pub fn taxonomy(&self) -> Result<Vec<(String, String)>, TableError> {
        let terms: Vec<String> = self.header.iter().skip(1).cloned().collect();
        self.rows
            .iter()
            .map(|row| {
                let label = row.fields.first().map_or("", |l| l.trim());
                if label.is_empty() {
                    return Err(TableError::EmptyLabel {
                        path: self.path.clone(),
                        line: row.line,
                        column: self.header[0].clone(),
                    });
                }
                let parts: Vec<&str> = (row.fields.iter().skip(1))
                    .map(|t| t.trim())
                    .filter(|t| !t.is_empty())
                    .collect();
                let Some(narrowest) = parts.last() else {
                    return Err(TableError::EmptyText {
                        path: self.path.clone(),
                        line: row.line,
                        columns: terms.clone(),
                    });
                };
                Ok((
                    format!("{narrowest} {}", parts.join(" ")),
                    label.to_string(),
                ))
            })
            .collect()
    }

    /// Each row's value in a column, none of them empty (an id, say).
    pub fn values(&self, column: &str) -> Result<Vec<String>, TableError> {
        let c = self.column(column)?;
        (self.rows.iter())
            .map(|row| {
                let value = row.fields[c].trim();
                if value.is_empty() {
                    return Err(TableError::EmptyValue {
                        path: self.path.clone(),
                        line: row.line,
                        column: column.to_string(),
                    });
                }
                Ok(value.to_string())
            })
            .collect()
    }

    /// Each row's time in a column, in seconds (see [`crate::similar::parse_time`]).
    pub fn times(&self, column: &str) -> Result<Vec<i64>, TableError> {
        let c = self.column(column)?;
        (self.rows.iter())
            .map(|row| {
                let value = row.fields[c].trim();
                crate::similar::parse_time(value).ok_or_else(|| TableError::BadTime {
                    path: self.path.clone(),
                    line: row.line,
                    column: column.to_string(),
                    value: value.chars().take(40).collect(),
                })
            })
            .collect()
    }

    fn columns(&self, names: &[String]) -> Result<Vec<usize>, TableError> {
        names.iter().map(|c| self.column(c)).collect()
    }

    fn text(
        &self,
        row: &Row,
        idx: &[usize],
        names: &[String],
        joiner: &str,
    ) -> Result<String, TableError> {
        let parts: Vec<&str> = idx
            .iter()
            .map(|&i| row.fields[i].trim())
            .filter(|s| !s.is_empty())
            .collect();
        if parts.is_empty() {
            return Err(TableError::EmptyText {
                path: self.path.clone(),
                line: row.line,
                columns: names.to_vec(),
            });
        }
        Ok(parts.join(joiner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any fields — commas, quotes, CR, LF, BOM-like and CJK characters — written as RFC
        /// 4180 says (every field quoted, `"` doubled, CRLF between records) read back as
        /// they were.
        #[test]
        fn quoted_fields_read_back(rows in prop::collection::vec(
            prop::collection::vec("[a-z水管,\"\r\n \u{feff}]{0,8}", 3), 1..6)
        ) {
            let quote = |f: &String| format!("\"{}\"", f.replace('"', "\"\""));
            let mut text = String::from("a,b,c\r\n");
            for row in &rows {
                text.push_str(&row.iter().map(quote).collect::<Vec<_>>().join(","));
                text.push_str("\r\n");
            }
            let t = parse(&text).unwrap();
            let kept: Vec<&Vec<String>> =
                rows.iter().filter(|r| r.iter().any(|f| !f.trim().is_empty())).collect();
            prop_assert_eq!(t.rows.len(), kept.len());
            for (row, want) in t.rows.iter().zip(kept) {
                prop_assert_eq!(&row.fields, want);
            }
        }
    }

    fn parse(text: &str) -> Result<Table, TableError> {
        Table::parse(Path::new("t.csv"), text, false)
    }

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn quotes_commas_newlines_crlf_and_bom() {
        let t = parse("\u{feff}主题,详情,标签\r\n\"水管, 破裂\",\"第一行\r\n第二行 \"\"引号\"\"\",城建\r\n,,\r\n\r\n噪音,夜间施工,环保\r\n")
            .unwrap();
        assert_eq!(
            t.header,
            ["主题", "详情", "标签"],
            "the BOM is not part of the name"
        );
        let rows = t.labelled(&cols(&["主题", "详情"]), "标签").unwrap();
        assert_eq!(
            rows,
            [
                (
                    "水管, 破裂\n第一行\r\n第二行 \"引号\"".to_string(),
                    "城建".to_string()
                ),
                ("噪音\n夜间施工".to_string(), "环保".to_string()),
            ]
        );
        // The second record starts on line 5: the quoted newline took a line, ",," is skipped.
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 6]);
    }

    #[test]
    fn tsv_has_no_quoting() {
        let t = Table::parse(Path::new("t.tsv"), "text\tlabel\n他说\"好\"\ta\n", true).unwrap();
        let rows = t.labelled(&cols(&["text"]), "label").unwrap();
        assert_eq!(rows[0].0, "他说\"好\"");
    }

    #[test]
    fn a_missing_column_is_named_with_the_columns_there_are() {
        let t = parse("主题,标签\n水管,城建\n").unwrap();
        let e = t.labelled(&cols(&["主题", "详情"]), "标签").unwrap_err();
        let m = e.to_string();
        assert!(m.contains("「详情」") && m.contains("主题、标签"), "{m}");
        let e = t.labelled(&cols(&["主题"]), "一级分类").unwrap_err();
        assert!(e.to_string().contains("「一级分类」"), "{e}");
    }

    #[test]
    fn an_empty_label_or_text_names_its_line() {
        let t = parse("主题,标签\n水管,城建\n\"两行\n的主题\",\n噪音,环保\n").unwrap();
        let e = t.labelled(&cols(&["主题"]), "标签").unwrap_err();
        assert!(matches!(e, TableError::EmptyLabel { line: 3, .. }), "{e:?}");
        assert!(e.to_string().contains("第 3 行"), "{e}");
        let t = parse("主题,标签\n水管,城建\n ,环保\n").unwrap();
        let e = t.labelled(&cols(&["主题"]), "标签").unwrap_err();
        assert!(e.to_string().contains("第 3 行的文本"), "{e}");
    }

    #[test]
    fn ragged_rows_and_bad_bytes_name_their_line() {
        let e = parse("a,b\n1,2\n1,2,3\n").unwrap_err();
        assert!(matches!(e, TableError::Malformed { line: 3, .. }), "{e:?}");
        assert!(e.to_string().contains("3 个字段"), "{e}");
        let dir = std::env::temp_dir().join(format!("suqiu-table-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("gbk.csv");
        std::fs::write(&path, b"a,b\n1,2\n\xd6\xd0\xce\xc4,3\n").unwrap();
        let e = Table::read(&path).unwrap_err();
        assert!(matches!(e, TableError::NotUtf8 { line: 3, .. }), "{e:?}");
        let e = Table::read(&dir.join("none.csv")).unwrap_err();
        assert!(matches!(e, TableError::Unreadable { .. }), "{e:?}");
        std::fs::write(&path, b"").unwrap();
        assert!(matches!(
            Table::read(&path),
            Err(TableError::NoHeader { .. })
        ));
        std::fs::remove_dir_all(&dir).ok();
    }
}
