//! Assertions on text, shared by the runtime's tests and the facade's (`tests/support/mod.rs` includes this
//! file by path).

/// Asserts that `text` contains each of `expected`, naming the first one it lacks and showing the text.
pub fn assert_contains_all(text: &str, expected: &[&str]) {
    for expected in expected {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
}
