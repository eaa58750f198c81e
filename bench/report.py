"""The benchmark's bookkeeping (bench/run.sh calls it).

  report.py wrk-row STACK ROUTE CONNECTIONS ROUND < wrk output     -> one JSON row
  report.py grpc-row METHOD CONNECTIONS ROUND < grpc_load output    -> one JSON row
  report.py pgbench-row < pgbench output                            -> one JSON row
  report.py hash-row STACK < {"ms_per_hash": ...}                   -> one JSON row
  report.py report ROWS OUT --seconds S --rounds R --connections "16 128"
      [--strict] -> OUT/results.json, OUT/table.md, OUT/throughput.png (gnuplot); failed
         measurements (no requests, or errors) are listed under the table, and with --strict
         make it exit 1, so the smoke test catches a broken bench.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

def wrk_row(stack, route, connections, round_):
    out = sys.stdin.read()
    # Printed by the scripts' done() hook (bench/wrk/*.lua), in microseconds.
    percentiles = {p: int(v) / 1000.0 for p, v in re.findall(r"^BENCH_P(\d+)_US (\d+)$", out, re.M)}
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = sum(int(g) for g in socket.groups()) if socket else 0
    return {"kind": "http", "stack": stack, "route": route, "connections": int(connections),
            "round": int(round_), "requests": requests, "rps": rps,
            "p50_ms": percentiles.get("50"), "p99_ms": percentiles.get("99"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "errors": errors}


def grpc_row(method, connections, round_):
    data = json.loads(sys.stdin.read())
    return {"kind": "grpc", "stack": "ours (gRPC direct)", "route": method, "connections": int(connections),
            "round": int(round_), "requests": data["requests"], "rps": data["rps"],
            "p50_ms": data["p50_ms"], "p99_ms": data["p99_ms"], "non2xx": 0, "errors": data["errors"]}


def pgbench_row(command="pgbench -S -M prepared -c 8 -j 2", connections="8"):
    out = sys.stdin.read()
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out)
    if not tps:
        tps = re.search(r"tps = ([\d.]+)", out)
    kind = "pgbench-write" if " -N " in command else "pgbench"
    return {"kind": kind, "tps": float(tps.group(1)) if tps else 0.0, "command": command,
            "connections": int(connections)}


def hash_row(stack):
    data = json.loads(sys.stdin.read())
    return dict(data, kind="hash", stack=stack)


def capacity_row():
    data = json.loads(sys.stdin.read())
    return dict(data, kind="capacity", stack="ours")


def median_round(rows):
    """The round with the median throughput, so its latencies belong to the figure shown."""
    ordered = sorted(rows, key=lambda r: r["rps"])
    return ordered[(len(ordered) - 1) // 2]


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


HOP_ROUTE = "GET / (REST to gRPC, no work)"
READS = ("GET /api/posts/{id}/", "GET /api/posts/ (50)", "GET /api/dashboard/")
REFRESH = "POST /api/token/refresh/"


def targets(get, conns, writes):
    """Issue 15's targets against this run: one line each, with the figures and met or not."""
    lines = ["Issue 15's targets in this run:", "", "| target | conns | measured | met |", "| --- | ---: | --- | --- |"]

    def row(what, c, measured, met):
        lines.append(f"| {what} | {c} | {measured} | {'yes' if met else '**no**'} |")

    def rps(stack, route, c, kind="http"):
        found = get(stack, route, c, kind)
        return found["rps"] if found and found["rps"] else None

    for c in conns:
        for route, goal in ((READS[0], 1.0), (READS[1], 1.0), ("POST /api/posts/", 1.0), (READS[2], 0.8)):
            ours, node = rps("ours", route, c), rps("node", route, c)
            if ours and node:
                row(f"`{route}` ours ÷ Node ≥ {goal:.1f}×", c, f"{ours / node:.2f}×", ours / node >= goal)
        for route in READS:
            ours, django = rps("ours", route, c), rps("django", route, c)
            if ours and django:
                row(f"`{route}` ours ÷ Django ≥ 10×", c, f"{ours / django:.1f}×", ours / django >= 10)
    for route in READS:
        found = get("ours", route, 16)
        if found:
            row(f"`{route}` p99 < 5 ms", 16, f"{found['p99_ms']:.2f} ms", found["p99_ms"] < 5)
    for method, route in (("GetPost", READS[0]), ("ListPosts", READS[1]), ("GetDashboard", READS[2])):
        for c in conns:
            direct, ours = rps("ours (gRPC direct)", method, c, "grpc"), rps("ours", route, c)
            if direct and ours:
                adds = direct / ours - 1
                row(f"`{route}`: the gateway adds < 30% over gRPC `{method}`", c, f"{100 * adds:+.0f}%", adds < 0.3)
    for c in conns:
        ours = rps("ours", REFRESH, c)
        if ours and c in writes and writes[c]["tps"]:
            share = ours / writes[c]["tps"]
            row(f"`{REFRESH}` ≥ 50% of `pgbench -N`", c, f"{100 * share:.0f}% ({ours:,.0f} of {writes[c]['tps']:,.0f})",
                share >= 0.5)
    return lines


def report(rows_file, out, seconds, rounds, connections, strict):
    rows = [json.loads(line) for line in open(rows_file) if line.strip()]
    measured = [r for r in rows if r["kind"] in ("http", "grpc")]
    groups = {}
    for r in measured:
        groups.setdefault((r["kind"], r["stack"], r["route"], r["connections"]), []).append(r)
    best = {key: median_round(group) for key, group in groups.items()}
    failures = [f"{r['stack']} {r['route']} c={r['connections']} round {r['round']}: "
                f"{r['requests']} requests, {r['non2xx']} non-2xx, {r['errors']} socket errors"
                for r in measured if r["requests"] == 0 or r["non2xx"] or r["errors"]]
    pg = next((r for r in rows if r["kind"] == "pgbench"), {"tps": 0})
    writes = {r["connections"]: r for r in rows if r["kind"] == "pgbench-write"}
    hashes = {r["stack"]: r for r in rows if r["kind"] == "hash"}
    memory = [r for r in rows if r["kind"] == "memory"]
    capacity = [r for r in rows if r["kind"] == "capacity"]
    conns = [int(c) for c in connections.split()]
    routes = [r for r in dict.fromkeys(r["route"] for r in measured if r["stack"] == "ours")]

    def get(stack, route, c, kind="http"):
        return best.get((kind, stack, route, c))

    lines = []
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines.append(f"Run {when} on {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; "
                 f"{seconds} s per run, median of {rounds} rounds (each round runs the three stacks back to back, "
                 f"the order rotating), wrk -t2 with keep-alive.")
    lines.append("")
    lines.append("| route | conns | ours req/s | p50 ms | p99 ms | Django req/s | p50 ms | p99 ms "
                 "| Node req/s | p50 ms | p99 ms | ours ÷ Django | ours ÷ Node | ours ÷ HTTP ceiling |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

    def cells(row):
        return f"{fmt(row and row['rps'], 0)} | {fmt(row and row['p50_ms'], 2)} | {fmt(row and row['p99_ms'], 2)}"

    def ratio(ours, other):
        return f"{ours['rps'] / other['rps']:.1f}×" if other and other["rps"] else "–"

    for route in routes:
        for c in conns:
            ours, django, node = get("ours", route, c), get("django", route, c), get("node", route, c)
            ceiling = next((v for k, v in best.items() if k[0] == "http" and k[1] == "ceiling" and k[3] == c), None)
            if not ours:
                continue
            share = f"{100 * ours['rps'] / ceiling['rps']:.0f}%" if ceiling and ceiling["rps"] else "–"
            lines.append(f"| `{route}` | {c} | {cells(ours)} | {cells(django)} | {cells(node)} | "
                         f"{ratio(ours, django)} | {ratio(ours, node)} | {share} |")
    lines.append("")
    lines.append("Ceilings and gRPC straight to content:")
    lines.append("")
    lines.append("| what | conns | req/s | p50 ms | p99 ms | gateway route req/s | gateway adds |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for c in conns:
        ceiling = get("ceiling", "GET /ping (bare cpp-httplib)", c)
        if ceiling:
            lines.append(f"| HTTP ceiling: bare cpp-httplib `GET /ping` | {c} | {fmt(ceiling['rps'], 0)} | "
                         f"{fmt(ceiling['p50_ms'], 2)} | {fmt(ceiling['p99_ms'], 2)} | | |")
    for c in conns:
        hop = get("hop", HOP_ROUTE, c)
        if hop:
            lines.append(f"| design ceiling: the gateway's listener + one gRPC call, no work on either side "
                         f"(`bench/hop_ceiling`) | {c} | {fmt(hop['rps'], 0)} | {fmt(hop['p50_ms'], 2)} | "
                         f"{fmt(hop['p99_ms'], 2)} | | |")
    via_gateway = {"GetPost": "GET /api/posts/{id}/", "ListPosts": "GET /api/posts/ (50)",
                   "GetDashboard": "GET /api/dashboard/"}
    for method, route in via_gateway.items():
        for c in conns:
            direct, gateway = get("ours (gRPC direct)", method, c, "grpc"), get("ours", route, c)
            if not direct:
                continue
            adds = f"{100 * (direct['rps'] / gateway['rps'] - 1):+.0f}% time" if gateway and gateway["rps"] else "–"
            lines.append(f"| gRPC `{method}` to content | {c} | {fmt(direct['rps'], 0)} | "
                         f"{fmt(direct['p50_ms'], 2)} | {fmt(direct['p99_ms'], 2)} | "
                         f"{fmt(gateway and gateway['rps'], 0)} | {adds} |")
    lines.append(f"| database ceiling: `{pg.get('command', 'pgbench -S')}` | 8 | {fmt(pg['tps'], 0)} tps | | | | |")
    for c in conns:
        if c in writes:
            lines.append(f"| durable write transactions: `{writes[c]['command']}` | {c} | "
                         f"{fmt(writes[c]['tps'], 0)} tps | | | | |")
    lines.append("")
    lines.extend(targets(get, conns, writes))
    lines.append("")
    login = {s: max((v["rps"] for k, v in best.items() if k[1] == s and k[2].startswith("POST /api/token/ (login)")),
                    default=None) for s in ("ours", "django", "node")}
    lines.append("Password hashing (one hash on one core; logins/s: the login route's best throughput):")
    lines.append("")
    lines.append("| stack | algorithm and cost | ms per hash | logins/s |")
    lines.append("| --- | --- | ---: | ---: |")
    if "ours" in hashes:
        h = hashes["ours"]
        lines.append(f"| ours | argon2id m={h['memory_kib']} KiB, t={h['iterations']}, p={h['parallelism']} | "
                     f"{fmt(h['ms_per_hash'])} | {fmt(login['ours'], 0)} |")
    for stack, name, how in (("django", "Django", "hashlib"), ("node", "Node", "node:crypto")):
        if stack in hashes:
            h = hashes[stack]
            lines.append(f"| {name} | {h.get('algorithm', 'pbkdf2_sha256')} {h.get('iterations', '?')} iterations "
                         f"({how}) | {fmt(h['ms_per_hash'])} | {fmt(login[stack], 0)} |")
    if capacity:
        lines.append("")
        lines.append("Connection capacity: idle and slowloris connections held open while one keep-alive client "
                     "times sequential `GET /api/posts/{id}/` (bench/idle_capacity):")
        lines.append("")
        lines.append("| idle | slow | requests | failed | p50 ms | p99 ms | max ms | idle still open | gateway RSS MiB |")
        lines.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in capacity:
            lines.append(f"| {r['idle']} | {r['slow']} | {r['requests']} | {r['failed']} | {fmt(r['p50_ms'], 2)} | "
                         f"{fmt(r['p99_ms'], 2)} | {fmt(r['max_ms'], 2)} | {r['idle_still_open']} | "
                         f"{fmt(r.get('gateway_rss_kib', 0) / 1024)} |")
            if r["failed"]:
                failures.append(f"capacity with {r['idle']} idle: {r['failed']} failed requests")
    lines.append("")
    lines.append("Peak memory (VmHWM) after the run:")
    lines.append("")
    lines.append("| stack | process | peak MiB |")
    lines.append("| --- | --- | ---: |")
    for m in memory:
        lines.append(f"| {m['stack']} | {m['process']} | {m['peak_kib'] / 1024:.1f} |")
    if failures:
        lines.append("")
        lines.append("Failed measurements: " + "; ".join(failures))
    table = "\n".join(lines) + "\n"

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(table)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"date": when, "cpu": cpu, "cores": os.cpu_count(), "seconds": seconds, "rounds": rounds,
                   "rows": rows}, f, indent=1)
    plot(best, routes, conns, out)
    print(table)
    if failures:
        print("failed measurements:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1 if strict else 0
    return 0


def plot(best, routes, conns, out):
    """Throughput (log scale) and p99 per route at the highest connection count: ours, the
    Django peer, the Node peer, and the HTTP ceiling as a line."""
    c = max(conns)
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as f:
        data = f.name
        for route in routes:
            rows = [best.get(("http", stack, route, c)) for stack in ("ours", "django", "node")]
            label = route.replace("POST ", "P ").replace("GET ", "G ").replace(" (login)", "").replace(" (50)", "")
            rps = " ".join(str(r["rps"] if r else 0) for r in rows)
            p99 = " ".join(str(r["p99_ms"] if r and r["p99_ms"] is not None else 0) for r in rows)
            f.write(f'"{label}" {rps} {p99}\n')
    ceiling = best.get(("http", "ceiling", "GET /ping (bare cpp-httplib)", c))
    ceiling_rps = ceiling["rps"] if ceiling else 0
    script = f"""
set terminal pngcairo size 1200,900 font ",10"
set output "{os.path.join(out, 'throughput.png')}"
set multiplot layout 2,1 title "ours vs Django + DRF + simplejwt vs Fastify + fast-jwt + pg, {c} connections"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -20 noenhanced
set grid ytics
set logscale y
set ylabel "requests/s (log)"
set key below horizontal
plot "{data}" using 2:xtic(1) title "ours" lc rgb "#1f77b4", \\
     "" using 3 title "Django peer" lc rgb "#ff7f0e", \\
     "" using 4 title "Node peer" lc rgb "#9467bd", \\
     {ceiling_rps if ceiling_rps else 1} with lines lw 2 lc rgb "#2ca02c" title "HTTP ceiling (bare cpp-httplib)"
set ylabel "p99 latency ms (log)"
plot "{data}" using 5:xtic(1) title "ours" lc rgb "#1f77b4", \\
     "" using 6 title "Django peer" lc rgb "#ff7f0e", \\
     "" using 7 title "Node peer" lc rgb "#9467bd"
unset multiplot
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    finally:
        os.unlink(data)


def main():
    command = sys.argv[1]
    if command == "wrk-row":
        print(json.dumps(wrk_row(*sys.argv[2:6])))
    elif command == "grpc-row":
        print(json.dumps(grpc_row(*sys.argv[2:5])))
    elif command == "pgbench-row":
        print(json.dumps(pgbench_row(*sys.argv[2:4])))
    elif command == "capacity-row":
        print(json.dumps(capacity_row()))
    elif command == "hash-row":
        print(json.dumps(hash_row(sys.argv[2])))
    elif command == "report":
        parser = argparse.ArgumentParser()
        parser.add_argument("rows")
        parser.add_argument("out")
        parser.add_argument("--seconds", type=int)
        parser.add_argument("--rounds", type=int)
        parser.add_argument("--connections")
        parser.add_argument("--strict", action="store_true", help="exit 1 when a measurement had failures")
        args = parser.parse_args(sys.argv[2:])
        sys.exit(report(args.rows, args.out, args.seconds, args.rounds, args.connections, args.strict))
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
