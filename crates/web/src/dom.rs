//! The few things the app asks of the browser beyond rendering.
//!
//! Each helper returns `None` or does nothing when the browser lacks what
//! it needs (no `window`, no `performance`), so the app degrades instead of
//! panicking.

use wasm_bindgen::JsValue;

/// The property an end-to-end test reads for time-to-interactive.
const READY_PROPERTY: &str = "__gamedayReadyMs";

/// Milliseconds since the page started loading (`performance.now()`).
pub fn now_ms() -> Option<f64> {
    web_sys::window()?.performance().map(|p| p.now())
}

/// Sets `window.__gamedayReadyMs` to `performance.now()`, the first time a
/// quest is on screen with its terminal ready; later calls keep that time.
pub fn mark_ready() {
    let (Some(window), Some(now)) = (web_sys::window(), now_ms()) else {
        return;
    };
    let key = JsValue::from_str(READY_PROPERTY);
    if js_sys::Reflect::has(&window, &key).unwrap_or(true) {
        return;
    }
    let _ = js_sys::Reflect::set(&window, &key, &JsValue::from_f64(now));
}

/// The quest id the page was opened with, as `#quest=<id>`, so that a kiosk
/// or a test can open straight into a quest.
pub fn quest_in_url() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let id = hash.strip_prefix("#quest=")?;
    (!id.is_empty()).then(|| id.to_string())
}

/// Moves keyboard focus to the element with this id, if there is one (a
/// tab list moves focus with the arrow keys).
pub fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Moves keyboard focus to the element with this id if focus is on
/// nothing (the page itself), as happens when the focused button goes
/// away; focus the player put elsewhere stays where it is.
pub fn focus_if_lost(id: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lost = match (document.active_element(), document.body()) {
        (None, _) => true,
        (Some(active), Some(body)) => active == *body.as_ref(),
        (Some(_), None) => false,
    };
    if lost {
        focus(id);
    }
}
