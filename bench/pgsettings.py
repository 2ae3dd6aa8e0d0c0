"""The PostgreSQL settings docs/deploy.md suggests for Casebridge's OLTP load, applied by the
benchmarks to their own connections (``PG_CONNECTION_OPTIONS``): they measure the stack as
deployed without editing the machine's shared ``postgresql.conf``. Only the settings a session
may change; ``shared_buffers`` stays the server's (128 MB by default, which the county's hot
indexes fit). ``BENCH_PG_OPTIONS`` replaces them (an empty value: the server's own)."""

import os

OLTP = (
    "-c jit=off -c random_page_cost=1.1 -c effective_cache_size=6GB -c work_mem=16MB "
    "-c max_parallel_workers_per_gather=0"
)


def options() -> str:
    return os.environ.get("BENCH_PG_OPTIONS", OLTP)
