//! Front-end speed: parsing, validating and lowering definitions of growing size.

use asl_codegen::{SourceFile, check};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

mod large_definition;

fn bench_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    for states in [20, 200, 2000] {
        let text = large_definition::large_definition(states);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(states), &text, |b, text| {
            b.iter(|| {
                let checked = check(&SourceFile::new("large.asl.json", text.as_str()));
                assert!(checked.is_valid());
                checked
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_check);
criterion_main!(benches);
