//! libFuzzer entry point of the `lint` target; the body is `iamgen_fuzz::lint`, which the stable replay test
//! (`tests/generate/fuzz_regressions.rs`) also runs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iamgen_fuzz::lint(data));
