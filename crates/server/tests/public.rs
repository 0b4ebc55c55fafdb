//! The public door (`/p/…`): pages a resident opens with no account, on SQLite and
//! PostgreSQL.

mod common;

use common::browser::Browser;
use common::{Backend, TestApp};

on_both_backends!(the_doors_open_without_an_account);

/// `/p` opens without a session, in the page's language, and leads to the three doors.
async fn the_doors_open_without_an_account(b: Backend) {
    let t = TestApp::new(b).await;
    let mut web = Browser::new(&t);
    let res = web.get("/p").await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.text());
    let html = res.text();
    for (door, href) in [
        ("door-new", "/p/new"),
        ("door-track", "/track"),
        ("door-board", "/p/board"),
    ] {
        assert!(
            html.contains(&format!("href=\"{href}\" data-testid=\"{door}\"")),
            "{door} → {href} in {html}"
        );
    }
    assert!(html.contains("我要反映"), "{html}");
    // No personal data can be on it, and no inline script or style (the CSP forbids both).
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "{html}"
    );
    web.get("/lang/en").await;
    let html = web.get("/p").await.text();
    assert!(html.contains("Raise an appeal"), "{html}");
}
