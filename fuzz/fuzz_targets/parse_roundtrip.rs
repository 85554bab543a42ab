//! Fuzzes the syntax layer: on any UTF-8 input, `parse` must not panic, the tree must print
//! back to the input byte for byte, and its structural invariants must hold.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parse = dflint::syntax::parse(text);
    let tree = parse.tree();
    assert_eq!(tree.print(), text, "print() differs from the input");
    if let Err(e) = tree.validate() {
        panic!("validate() failed: {e}");
    }
    for error in parse.errors() {
        let r = error.range.as_usize();
        assert!(
            r.start <= r.end && text.get(r.clone()).is_some(),
            "error range {r:?} is out of bounds or not on char boundaries: {error:?}"
        );
    }
});
