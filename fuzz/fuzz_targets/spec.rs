//! libFuzzer entry point of the `spec` target; the body is `iamgen_fuzz::spec`, which the stable replay test
//! (`tests/generate/fuzz_regressions.rs`) also runs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iamgen_fuzz::spec(data));
