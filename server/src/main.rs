use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;
struct R(Vec<(Event, Marker)>);
impl MarkedEventReceiver for R {
    fn on_event(&mut self, ev: Event, m: Marker) {
        self.0.push((ev, m));
    }
}
fn main() {
    let src = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let mut r = R(vec![]);
    let mut p = Parser::new_from_str(&src);
    let res = p.load(&mut r, true);
    for (e, m) in &r.0 {
        println!(
            "{:?} idx={} line={} col={}",
            e,
            m.index(),
            m.line(),
            m.col()
        );
    }
    println!("{:?}", res);
}
