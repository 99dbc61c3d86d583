#!/usr/bin/env python3
"""Generate the kernel enums (BpfCommand in Ebpf.Kernel/Interop; BpfMapType, BpfProgramType, BpfAttachType,
BpfLinkType, BpfMapFlags in Ebpf.Specs) and their kernel names (Ebpf.Kernel/Interop/KernelNames.g.cs).

Usage: build/gen-kernel-enums.py [--btf /sys/kernel/btf/vmlinux] [--header /usr/include/linux/bpf.h]

The values come from the running kernel's BTF (`bpftool btf dump file ... format c`) when bpftool is on
PATH, else from the uapi header. Values only one source knows are merged, so the enums cover both.
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT_DIR = os.path.join(ROOT, "Ebpf.Kernel", "Interop")
# Types, flags and attach points are part of specifications, which never touch the kernel: they live in
# Ebpf.Specs so that both Specs and Kernel can use them. Only the bpf(2) command list stays in Kernel.
SPEC_ENUMS = {"BpfMapType", "BpfProgramType", "BpfAttachType", "BpfLinkType", "BpfMapFlags"}
SPEC_DIR = os.path.join(ROOT, "Ebpf.Specs")

# (C enum name or a member that identifies an anonymous enum, C# name, prefix to strip, flags?, summary)
ENUMS = [
    ("bpf_cmd", "BpfCommand", "BPF_", False,
     "Commands of the <c>bpf(2)</c> system call (<c>enum bpf_cmd</c>)."),
    ("bpf_map_type", "BpfMapType", "BPF_MAP_TYPE_", False,
     "Kinds of BPF map (<c>enum bpf_map_type</c>)."),
    ("bpf_prog_type", "BpfProgramType", "BPF_PROG_TYPE_", False,
     "Kinds of BPF program (<c>enum bpf_prog_type</c>)."),
    ("bpf_attach_type", "BpfAttachType", "BPF_", False,
     "Attach points of BPF programs (<c>enum bpf_attach_type</c>)."),
    ("bpf_link_type", "BpfLinkType", "BPF_LINK_TYPE_", False,
     "Kinds of BPF link (<c>enum bpf_link_type</c>)."),
    ("=BPF_F_NO_PREALLOC", "BpfMapFlags", "BPF_F_", True,
     "Flags of <c>BPF_MAP_CREATE</c> (<c>map_flags</c>, the <c>BPF_F_*</c> enum of bpf.h)."),
]


def enum_bodies(text):
    """Yields (name or None, body) for every enum in C text."""
    for m in re.finditer(r"enum\s+(\w+)?\s*\{(.*?)\}", text, re.S):
        yield m.group(1), m.group(2)


def members(body):
    """Parses `NAME [= value],` members, counting implicit values and resolving aliases."""
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    body = re.sub(r"//[^\n]*", "", body)
    out = []
    known = {}
    nxt = 0
    for part in body.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.match(r"^(\w+)\s*(?:=\s*(.+))?$", part, re.S)
        if not m:
            continue
        name, expr = m.group(1), m.group(2)
        if expr is not None:
            expr = expr.strip()
            if expr in known:
                value = known[expr]
            else:
                expr = re.sub(r"\(1U?L*\s*<<\s*(\d+)\)", lambda x: str(1 << int(x.group(1))), expr)
                expr = re.sub(r"(\d+)U?L*", r"\1", expr)
                try:
                    value = int(eval(expr, {}, dict(known)))  # constant expressions of bpf.h only
                except Exception:
                    continue
        else:
            value = nxt
        known[name] = value
        nxt = value + 1
        out.append((name, value))
    return out


def find(text, key):
    for name, body in enum_bodies(text):
        if key.startswith("="):
            if re.search(r"\b" + key[1:] + r"\b", body):
                return members(body)
        elif name == key:
            return members(body)
    return []


def pascal(name):
    return "".join(p[:1].upper() + p[1:] for p in name.lower().split("_") if p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--btf", default="/sys/kernel/btf/vmlinux")
    ap.add_argument("--header", default="/usr/include/linux/bpf.h")
    ap.add_argument("--out-dir", default=OUT_DIR)
    args = ap.parse_args()
    sources = []
    texts = []
    try:
        texts.append(subprocess.run(["bpftool", "btf", "dump", "file", args.btf, "format", "c"],
                                    check=True, capture_output=True, text=True).stdout)
        sources.append(f"the BTF of {args.btf}")
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"warning: no kernel BTF ({e}); header only", file=sys.stderr)
    if os.path.exists(args.header):
        texts.append(open(args.header, encoding="utf-8").read())
        sources.append(args.header)
    if not texts:
        sys.exit("no source")

    names_lines = []
    for key, cs, prefix, flags, summary in ENUMS:
        merged = {}
        order = []
        for text in texts:
            for name, value in find(text, key):
                if name.startswith("__") or "MAX_" in name and name.startswith(prefix + "MAX") or not name.startswith(prefix):
                    continue
                if name.endswith("__MAX_BPF_ATTACH_TYPE"):
                    continue
                if name not in merged:
                    merged[name] = value
                    order.append(name)
        if not merged:
            sys.exit(f"enum {key} not found")
        entries = sorted(order, key=lambda n: (merged[n], order.index(n)))
        lines = [
            "// <auto-generated>",
            f"// Generated by build/gen-kernel-enums.py from {' and '.join(sources)}.",
            "// Do not edit by hand: run `python3 build/gen-kernel-enums.py`.",
            "// </auto-generated>",
            "namespace Ebpf.Specs;" if cs in SPEC_ENUMS else "namespace Ebpf.Kernel.Interop;",
            "",
            f"/// <summary>{summary}</summary>",
        ]
        if flags:
            lines.append("[Flags]")
        lines += [f"public enum {cs} : uint", "{"]
        if flags:
            lines += ["    /// <summary>No flags.</summary>", "    None = 0,"]
        canonical = {}
        for n in entries:
            v = merged[n]
            member = pascal(n[len(prefix):])
            alias = next((m for m in entries if merged[m] == v and m != n and entries.index(m) < entries.index(n)), None)
            doc = f"<c>{n}</c>" + (f", an alias of <c>{alias}</c>" if alias else "") + "."
            lines.append(f"    /// <summary>{doc}</summary>")
            lines.append(f"    {member} = {v},")
            if v not in canonical or "DEPRECATED" in canonical[v] or n == "BPF_PROG_TEST_RUN":
                canonical[v] = n
        if "BPF_PROG_TEST_RUN" in merged:
            canonical[merged["BPF_PROG_TEST_RUN"]] = "BPF_PROG_TEST_RUN"
        lines += ["}", ""]
        path = os.path.join(SPEC_DIR if cs in SPEC_ENUMS and args.out_dir == OUT_DIR else args.out_dir, f"{cs}.g.cs")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        print(f"{path}: {len(entries)} members")
        if not flags:
            names_lines.append((cs, canonical))

    lines = [
        "// <auto-generated>",
        f"// Generated by build/gen-kernel-enums.py from {' and '.join(sources)}.",
        "// Do not edit by hand: run `python3 build/gen-kernel-enums.py`.",
        "// </auto-generated>",
        "#nullable enable",
        "using Ebpf.Specs;",
        "",
        "namespace Ebpf.Kernel.Interop;",
        "",
        "/// <summary>The kernel's C names of the kernel enums, for messages and diagnostics.</summary>",
        "public static class KernelNames",
        "{",
    ]
    for cs, canonical in names_lines:
        lines += [
            f"    /// <summary>The C name of <paramref name=\"value\"/>, or its number when this build does not know it.</summary>",
            f"    public static string Of({cs} value) => value switch",
            "    {",
        ]
        for v in sorted(canonical):
            lines.append(f"        ({cs}){v} => \"{canonical[v]}\",")
        lines += ["        _ => ((uint)value).ToString(System.Globalization.CultureInfo.InvariantCulture),", "    };", ""]
    lines[-1:] = ["}", ""]
    path = os.path.join(args.out_dir, "KernelNames.g.cs")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print(path)


if __name__ == "__main__":
    main()
