//! libFuzzer entry point of the `eval` target; the body is `iamgen_fuzz::eval`, which the stable replay test
//! (`tests/generate/fuzz_regressions.rs`) also runs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iamgen_fuzz::eval(data));
