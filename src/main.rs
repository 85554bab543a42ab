fn main() {
    let mut bad = 0;
    let mut errs = 0;
    let mut panics = 0;
    for path in std::env::args().skip(1) {
        let Ok(bytes) = std::fs::read(&path) else { continue };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let r = std::panic::catch_unwind(|| dflint::syntax::parse(&text));
        let Ok(p) = r else { panics += 1; println!("PANIC {path}"); continue };
        if p.tree().print() != text || p.tree().validate().is_err() { bad += 1; println!("DIFF {path} {:?}", p.tree().validate()); }
        for e in p.errors() { errs += 1; let line = text[..e.range.start as usize].matches('\n').count() + 1; println!("ERR {path}:{line} {} {}", e.code.name(), e.message); }
    }
    eprintln!("bad={bad} errs={errs} panics={panics}");
}
