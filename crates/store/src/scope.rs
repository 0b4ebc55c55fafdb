//! Read scope in SQL: the one place list queries learn what an actor may see.
//! It mirrors `suqiu_core::access::relation`; a conformance test checks they agree.
