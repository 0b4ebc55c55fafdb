//! One figure, one meaning, read in a real browser: the number of appeals overdue now
//! (已超期) is the same on the dashboard, the list it opens, /stats, the scoreboard and the
//! month-end report — the surfaces a district secretary compares at month's end.

mod common;

use common::browser::{demo_store, start_driver, Ui};
use common::TestServer;
use fantoccini::Locator;
use suqiu_server::Clock;

/// The number in the element `css`, as the page shows it.
async fn number(ui: &Ui, css: &str) -> u64 {
    let text = ui.text(css).await;
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("{css} shows a number, not {text:?}"))
}

/// The sum of the numbers in every element `css` of the page.
async fn sum_of(ui: &Ui, css: &str) -> u64 {
    let mut sum = 0;
    for e in ui.c.find_all(Locator::Css(css)).await.expect("cells") {
        let text = e.text().await.expect("text");
        sum += text
            .trim()
            .parse::<u64>()
            .unwrap_or_else(|_| panic!("{text:?}"));
    }
    sum
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overdue_now_is_one_number_on_every_surface() {
    let driver = start_driver();
    // Ten days on, the demo's open appeals are past their deadlines whatever the hour the
    // test runs at (at 03:00 in Shanghai, today's appeals are not yet overdue).
    let later = Clock::fixed(chrono::Utc::now() + chrono::TimeDelta::days(10));
    let server = TestServer::start_with(demo_store().await, later).await;
    let ui = Ui::open(&driver, &server.base).await;
    // The district administrator sees the whole district on every surface.
    ui.sign_in("admin").await;
    let tile = "a[data-figure=overdue_now] .count";
    let overdue = number(&ui, tile).await;
    assert!(overdue > 0, "the demo district has appeals overdue now");
    ui.shot("measures-dashboard").await;

    // The tile opens exactly the appeals it counts.
    ui.submit("a[data-figure=overdue_now]").await;
    assert_eq!(number(&ui, "[data-testid=total] strong").await, overdue);

    ui.goto("/stats").await;
    assert_eq!(number(&ui, "li[data-figure=overdue_now] .v").await, overdue);
    ui.shot("measures-stats").await;

    // Every appeal belongs to one street or town: the scoreboard's column adds up to it.
    ui.goto("/ranking?level=street").await;
    assert_eq!(sum_of(&ui, "[data-testid=overdue-now]").await, overdue);
    let rule = ui.text("[data-testid=ranking-rule]").await;
    assert!(rule.contains("样本"), "the page says who is ranked: {rule}");
    ui.shot("measures-ranking").await;

    ui.goto("/reports").await;
    assert_eq!(number(&ui, "td[data-figure=overdue_now]").await, overdue);
    ui.shot("measures-report").await;
}
