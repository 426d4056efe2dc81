//! Print the JSON Schema of the report: `cargo run --example schema > schema/report.schema.json`.
//! A test keeps the published file equal to this output.

fn main() {
    print!("{}", conncheck::report::json::schema());
}
