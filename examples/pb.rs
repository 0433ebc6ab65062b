use frictionlog::parse::{SourceFile, parse_incident};
use std::time::Instant;
fn main() {
    let dir = "/dev/shm/c10k/frictionlog/content/incidents";
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let rel = format!(
                "content/incidents/{}",
                e.path().strip_prefix(dir).unwrap().display()
            );
            let slug = e.path().file_stem().unwrap().to_str().unwrap().to_owned();
            files.push(SourceFile {
                path: rel,
                slug,
                text,
            });
        }
    }
    for _ in 0..1 {
        let t = Instant::now();
        let mut n = 0;
        for f in &files {
            let fm = frictionlog::frontmatter::split_frontmatter(&f.text)
                .ok()
                .unwrap();
            let (r, _) = frictionlog::yaml::parse_yaml_all(fm.yaml, fm.yaml_line);
            n += r.is_some() as usize;
        }
        println!("yaml {:?} {n}", t.elapsed());
        let t = Instant::now();
        for f in &files {
            let fm = frictionlog::frontmatter::split_frontmatter(&f.text)
                .ok()
                .unwrap();
            let v: serde_yaml::Value = serde_yaml::from_str(fm.yaml).unwrap();
            n += v.is_mapping() as usize;
        }
        println!("serde_yaml {:?} {n}", t.elapsed());
        let t = Instant::now();
        for f in &files {
            let (i, _) = parse_incident(f);
            n += i.is_some() as usize;
        }
        println!("parse_incident {:?} {n}", t.elapsed());
        let t = Instant::now();
        for f in &files {
            let fm = frictionlog::frontmatter::split_frontmatter(&f.text)
                .ok()
                .unwrap();
            let h = frictionlog::render::render_markdown(fm.body, false);
            n += h.len();
        }
        println!("markdown {:?} {n}", t.elapsed());
        let t = Instant::now();
        for f in &files {
            let fm = frictionlog::frontmatter::split_frontmatter(&f.text)
                .ok()
                .unwrap();
            let mut h = String::new();
            pulldown_cmark::html::push_html(
                &mut h,
                pulldown_cmark::Parser::new_ext(fm.body, pulldown_cmark::Options::ENABLE_TABLES),
            );
            n += h.len();
        }
        println!("plain markdown {:?} {n}", t.elapsed());
    }
}
