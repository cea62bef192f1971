#!/usr/bin/env python3
"""Table of the CUDA kernels' resource usage from a build log compiled with `-Xptxas=-v`.

    python3 scripts/ptxas_table.py build/cuda-check/ptxas.log [--arch sm_90] [--all]

One row per kernel ptxas compiled: the kscan function that launches it (the lambda's enclosing
function, or the functor type), precision, dimensions, registers per thread, spill stores and
loads, stack frame, static shared memory, and the occupancy those registers allow on the
architecture. Later records of the same kernel replace earlier ones (the log of an incremental
build is appended to). Exit status 1 when a combine kernel spills or a kernel of kscan's own is
held below 25% occupancy by its registers, the targets of issue 15 (nx 4, ny 2, float32).

Occupancy here is the register limit alone, for a full-size block: warps per SM =
floor(registers per SM / registers per warp), registers per warp rounded up to the allocation
unit of 256, at most the SM's warp slots. Static shared memory is listed; the dynamic shared
memory Kokkos requests at launch (reductions, scans, team scratch) is not in the binary.
"""
import argparse
import re
import subprocess
import sys

# Per-SM limits of the architectures kscan builds for (CUDA occupancy calculator tables).
ARCH_LIMITS = {
    "sm_70": {"registers": 65536, "warps": 64},
    "sm_80": {"registers": 65536, "warps": 64},
    "sm_86": {"registers": 65536, "warps": 48},
    "sm_89": {"registers": 65536, "warps": 48},
    "sm_90": {"registers": 65536, "warps": 64},
}
REGISTER_UNIT = 256  # registers are allocated to a warp in units of 256

ENTRY = re.compile(r"Compiling entry function '([^']+)' for '(sm_\d+)'")
PROPERTIES = re.compile(
    r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
USED = re.compile(r"Used (\d+) registers(?:, (\d+) bytes smem)?")


def parse(lines):
    """Yields dicts (mangled, arch, registers, spill_stores, spill_loads, stack, smem)."""
    current = None
    for line in lines:
        m = ENTRY.search(line)
        if m:
            current = {"mangled": m.group(1), "arch": m.group(2), "stack": 0,
                       "spill_stores": 0, "spill_loads": 0, "smem": 0}
            continue
        if current is None:
            continue
        m = PROPERTIES.search(line)
        if m:
            current["stack"], current["spill_stores"], current["spill_loads"] = map(int, m.groups())
            continue
        m = USED.search(line)
        if m:
            current["registers"] = int(m.group(1))
            current["smem"] = int(m.group(2) or 0)
            yield current
            current = None


def demangle(names):
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True,
                         check=True).stdout.splitlines()
    return dict(zip(names, out))


def skip_back(text, i, open_c, close_c):
    """Index just before the bracket that opens the balanced group closing at text[i]."""
    depth = 0
    while i >= 0:
        if text[i] == close_c:
            depth += 1
        elif text[i] == open_c:
            depth -= 1
            if depth == 0:
                return i - 1
        i -= 1
    return i


def enclosing_function(text, end):
    """The qualified name of the function whose body ends just before text[end:] (its '::{lambda'),
    without its parameter list and template arguments (a class's included: DimsSolver::run_kf)."""
    i = end - 1
    while i >= 0 and text[i] in " const":   # cv-qualifiers of a member function
        if text[i] == ")":
            break
        i -= 1
    if i >= 0 and text[i] == ")":
        i = skip_back(text, i, "(", ")")
    if i >= 0 and text[i] == ">":
        i = skip_back(text, i, "<", ">")
    name = ""
    while i >= 0:
        j = i
        while j >= 0 and (text[j].isalnum() or text[j] in "_:~"):
            j -= 1
        name = text[j + 1:i + 1] + name
        if j >= 1 and text[j] == ">" and name.startswith("::"):
            i = skip_back(text, j, "<", ">")
            continue
        break
    return name


def first_template_argument(text, start):
    """The template argument list's first entry beginning at text[start] (just after a '<')."""
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c in "<(":
            depth += 1
        elif c in ">)":
            if depth == 0:
                return text[start:i]
            depth -= 1
        elif c == "," and depth == 0:
            return text[start:i]
    return text[start:]


def describe(demangled):
    """(kernel, operator, pattern, precision, dims) of a Kokkos launch of a kscan lambda or functor."""
    pattern = re.search(r"Kokkos::Impl::(Parallel(?:For|Reduce|Scan(?:WithTotal)?))<", demangled)
    functor = first_template_argument(demangled, pattern.end()) if pattern else ""
    lam = functor.rfind("::{lambda(")
    if lam > 0:
        kernel = enclosing_function(functor, lam)
        number = re.match(r"::\{lambda\([^)]*\)#(\d+)\}", functor[lam:])
        if number:
            kernel += f" #{number.group(1)}"
    elif functor.startswith("kscan::"):
        kernel = re.match(r"[\w:]+", functor).group(0)
    else:
        kernel = "(Kokkos) " + re.sub(r"<.*", "", functor)
    ops = [o for o in re.findall(r"kscan::(\w*Operator)<", functor) if o != "ReverseOperator"]
    op = (ops[0] if ops else "-") + (" reversed" if "ReverseOperator<" in functor else "")
    policy = "Team" if "TeamPolicy" in demangled else "Range"
    precision = ("float32" if re.search(r"\bfloat\b", demangled)
                 else "float64" if re.search(r"\bdouble\b", demangled) else "-")
    dims = re.search(r"(FixedDims<\d+, \d+>|DynamicDims<\d+>)", demangled)
    return (kernel, op, f"{pattern.group(1) if pattern else '?'}/{policy}", precision,
            dims.group(1) if dims else "-")


def occupancy(registers, arch):
    limits = ARCH_LIMITS.get(arch, ARCH_LIMITS["sm_90"])
    per_warp = -(-registers * 32 // REGISTER_UNIT) * REGISTER_UNIT
    warps = min(limits["warps"], limits["registers"] // max(per_warp, 1))
    return warps / limits["warps"]


def summarise(table):
    """Rows merged over lambda numbers, patterns and view types: per (launching function,
    operator, precision, dims) the register range, the worst spills and stack, the lowest
    occupancy and how many kernels."""
    groups = {}
    for r in table:
        key = (re.sub(r" #\d+$", "", r[0]), r[1].replace(" reversed", ""), r[3], r[4])
        groups.setdefault(key, []).append(r)
    out = []
    for key, rs in sorted(groups.items()):
        regs = [r[5] for r in rs]
        occupancy = min(int(r[10].rstrip("%")) for r in rs)
        out.append(key + (f"{min(regs)}-{max(regs)}" if min(regs) != max(regs) else str(regs[0]),
                          max(r[6] for r in rs), max(r[7] for r in rs), max(r[8] for r in rs),
                          f"{occupancy}%", sum(int(r[12]) for r in rs)))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("log", help="build output with ptxas -v lines")
    parser.add_argument("--arch", default=None, help="only this architecture (e.g. sm_90)")
    parser.add_argument("--all", action="store_true", help="also Kokkos' own kernels")
    parser.add_argument("--summary", action="store_true",
                        help="one row per launching function, operator and precision (register "
                             "range, worst spills, lowest occupancy)")
    args = parser.parse_args()

    with open(args.log, errors="replace") as f:
        records = {}
        for r in parse(f):
            if args.arch is None or r["arch"] == args.arch:
                records[(r["mangled"], r["arch"])] = r   # the latest compile wins
    if not records:
        sys.exit(f"{args.log}: no ptxas resource lines (build with -Xptxas=-v: make check-cuda)")
    names = demangle(sorted({m for m, _ in records}))
    rows = {}
    for (mangled, arch), r in records.items():
        kernel, op, pattern, precision, dims = describe(names[mangled])
        if not args.all and not kernel.startswith("kscan"):
            continue
        row = (kernel, op, pattern, precision, dims, r["registers"], r["spill_stores"],
               r["spill_loads"], r["stack"], r["smem"], f"{occupancy(r['registers'], arch):.0%}", arch)
        rows[row] = rows.get(row, 0) + 1   # the same kernel over other view types, counted once
    order = sorted(rows, key=lambda row: (row[0], row[1], row[4], row[3], row[2], row[5]))

    header = ("kernel", "operator", "pattern/policy", "precision", "dims", "regs", "spill st B",
              "spill ld B", "stack B", "smem B", "occupancy", "arch", "instances")
    table = [row + (str(rows[row]),) for row in order]
    if args.summary:
        table = summarise(table)
        header = ("kernel", "operator", "precision", "dims", "regs", "spill st B", "spill ld B",
                  "stack B", "occupancy", "kernels")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *table)]

    def line(values):
        return "  ".join(str(v).ljust(w) for v, w in zip(values, widths)).rstrip()

    print(line(header))
    print(line(["-" * w for w in widths]))
    failures = []
    for r in table:
        print(line(r))
    for r in [row + (str(rows[row]),) for row in order]:
        target = r[3] == "float32" and r[4] == "FixedDims<4, 2>"
        if target and "Operator" in r[1] and (r[6] or r[7]):
            failures.append(f"{r[0]} [{r[1]}]: spills {r[6]} B stored, {r[7]} B loaded")
        if target and int(r[10].rstrip("%")) < 25:
            failures.append(f"{r[0]} [{r[1]}]: {r[5]} registers allow {r[10]} occupancy")
    arch = order[0][11] if order else "?"
    print(f"\n{len(table)} kernels of kscan; occupancy is the register limit for full blocks on {arch}")
    if failures:
        print("below issue 15's targets (nx 4, ny 2, float32: no spills in kernels that combine,"
              " >= 25% occupancy):")
        for f in failures:
            print("  " + f)
        sys.exit(1)

if __name__ == "__main__":
    main()
