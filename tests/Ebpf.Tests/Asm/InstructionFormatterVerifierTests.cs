using System.Text.RegularExpressions;
using Ebpf.Asm;

namespace Ebpf.Tests.Asm;

/// <summary>
/// Compares our text with the running kernel's own print_bpf_insn, as the verifier log at level 2 shows
/// it, for hand-built programs that use the instructions clang 14 cannot emit (ISA v4: sdiv/smod, movsx,
/// memsx, bswap, gotol; may_goto; load-acquire/store-release) and every other class the verifier accepts
/// in a socket filter. Verifier logs print no opcode-less BUG text and no callbacks but kfunc names, so
/// the comparison is exact.
/// </summary>
[Category("Kernel")]
[NonParallelizable]
public partial class InstructionFormatterVerifierTests
{
    private const uint SocketFilter = 1;

    private static Instruction I(byte op, byte dst, byte src, short off, long imm) =>
        new(new OpCode(op), (Register)dst, (Register)src, off, imm);

    [GeneratedRegex(@"^(\d+): (\([0-9a-f]{2}\) [^;]*?)\s*(;.*)?$")]
    private static partial Regex InstructionLine();

    [OneTimeSetUp]
    public void RequireRoot()
    {
        string? reason = KernelTools.Unavailable();
        if (reason != null)
        {
            Assert.Ignore(reason);
        }
    }

    private static IEnumerable<TestCaseData> Programs()
    {
        yield return new TestCaseData("classic and v3", (object)new[]
        {
            I(0xbf, 6, 1, 0, 0),            // r6 = r1 (ctx for the packet loads)
            I(0x30, 0, 0, 0, 0),            // r0 = *(u8 *)skb[0]
            I(0x28, 0, 0, 0, 0),            // r0 = *(u16 *)skb[0]
            I(0xb7, 7, 0, 0, 0),
            I(0x40, 0, 7, 0, 0),            // r0 = *(u32 *)skb[r7 + 0]
            I(0x18, 2, 0, 0, 0x123456789abcdef0),
            I(0x18, 3, 0, 0, -1),
            I(0x7b, 10, 2, -8, 0),
            I(0x63, 10, 2, -16, 0),
            I(0x6b, 10, 2, -12, 0),
            I(0x73, 10, 2, -10, 0),
            I(0x7a, 10, 0, -24, -1),
            I(0x62, 10, 0, -32, 7),
            I(0x6a, 10, 0, -28, 7),
            I(0x72, 10, 0, -26, 7),
            I(0x79, 3, 10, -8, 0),
            I(0x61, 4, 10, -16, 0),
            I(0x69, 4, 10, -12, 0),
            I(0x71, 4, 10, -10, 0),
            I(0x07, 3, 0, 0, -8), I(0x0f, 3, 4, 0, 0), I(0x17, 3, 0, 0, 4), I(0x1f, 3, 4, 0, 0),
            I(0x27, 3, 0, 0, 3), I(0x2f, 3, 4, 0, 0), I(0x37, 3, 0, 0, 3), I(0x3f, 3, 4, 0, 0),
            I(0x47, 3, 0, 0, 16), I(0x4f, 3, 4, 0, 0), I(0x57, 3, 0, 0, 255), I(0x5f, 3, 4, 0, 0),
            I(0x67, 3, 0, 0, 3), I(0x6f, 3, 4, 0, 0), I(0x77, 3, 0, 0, 3), I(0x7f, 3, 4, 0, 0),
            I(0x87, 3, 0, 0, 0), I(0x97, 3, 0, 0, 7), I(0x9f, 3, 4, 0, 0), I(0xa7, 3, 0, 0, -1),
            I(0xaf, 3, 4, 0, 0), I(0xb7, 5, 0, 0, -5), I(0xbf, 5, 3, 0, 0), I(0xc7, 3, 0, 0, 2),
            I(0xcf, 3, 4, 0, 0),
            I(0x04, 3, 0, 0, -8), I(0x0c, 3, 4, 0, 0), I(0x14, 3, 0, 0, 4), I(0x1c, 3, 4, 0, 0),
            I(0x24, 3, 0, 0, 3), I(0x2c, 3, 4, 0, 0), I(0x34, 3, 0, 0, 3), I(0x3c, 3, 4, 0, 0),
            I(0x44, 3, 0, 0, 16), I(0x4c, 3, 4, 0, 0), I(0x54, 3, 0, 0, 255), I(0x5c, 3, 4, 0, 0),
            I(0x64, 3, 0, 0, 3), I(0x6c, 3, 4, 0, 0), I(0x74, 3, 0, 0, 3), I(0x7c, 3, 4, 0, 0),
            I(0x84, 3, 0, 0, 0), I(0x94, 3, 0, 0, 7), I(0x9c, 3, 4, 0, 0), I(0xa4, 3, 0, 0, -1),
            I(0xac, 3, 4, 0, 0), I(0xb4, 5, 0, 0, -5), I(0xbc, 5, 3, 0, 0), I(0xc4, 3, 0, 0, 2),
            I(0xcc, 3, 4, 0, 0),
            I(0xd4, 3, 0, 0, 16), I(0xd4, 3, 0, 0, 32), I(0xd4, 3, 0, 0, 64),
            I(0xdc, 3, 0, 0, 16), I(0xdc, 3, 0, 0, 32), I(0xdc, 3, 0, 0, 64),
            // Atomics on the stack.
            I(0xb7, 6, 0, 0, 1),
            I(0xdb, 10, 6, -8, 0x00), I(0xdb, 10, 6, -8, 0x40), I(0xdb, 10, 6, -8, 0x50), I(0xdb, 10, 6, -8, 0xa0),
            I(0xc3, 10, 6, -16, 0x00), I(0xc3, 10, 6, -16, 0x40), I(0xc3, 10, 6, -16, 0x50), I(0xc3, 10, 6, -16, 0xa0),
            I(0xb7, 7, 0, 0, 1),
            I(0xdb, 10, 7, -8, 0x01), I(0xdb, 10, 7, -8, 0x41), I(0xdb, 10, 7, -8, 0x51), I(0xdb, 10, 7, -8, 0xa1),
            I(0xc3, 10, 7, -16, 0x01), I(0xc3, 10, 7, -16, 0x41), I(0xc3, 10, 7, -16, 0x51), I(0xc3, 10, 7, -16, 0xa1),
            I(0xdb, 10, 7, -8, 0xe1), I(0xc3, 10, 7, -16, 0xe1),
            I(0xb7, 0, 0, 0, 0),
            I(0xdb, 10, 6, -8, 0xf1), I(0xc3, 10, 6, -16, 0xf1),
            // Jumps: each falls through or skips nothing, so every instruction is walked.
            I(0x05, 0, 0, 0, 0),
            I(0x15, 3, 0, 0, 5), I(0x1d, 3, 4, 0, 0), I(0x25, 3, 0, 0, 5), I(0x2d, 3, 4, 0, 0),
            I(0x35, 3, 0, 0, 5), I(0x3d, 3, 4, 0, 0), I(0x45, 3, 0, 0, 5), I(0x4d, 3, 4, 0, 0),
            I(0x55, 3, 0, 0, -5), I(0x5d, 3, 4, 0, 0), I(0x65, 3, 0, 0, 5), I(0x6d, 3, 4, 0, 0),
            I(0x75, 3, 0, 0, 5), I(0x7d, 3, 4, 0, 0), I(0xa5, 3, 0, 0, 5), I(0xad, 3, 4, 0, 0),
            I(0xb5, 3, 0, 0, 5), I(0xbd, 3, 4, 0, 0), I(0xc5, 3, 0, 0, 5), I(0xcd, 3, 4, 0, 0),
            I(0xd5, 3, 0, 0, 5), I(0xdd, 3, 4, 0, 0),
            I(0x16, 3, 0, 0, 5), I(0x1e, 3, 4, 0, 0), I(0x26, 3, 0, 0, 5), I(0x2e, 3, 4, 0, 0),
            I(0x36, 3, 0, 0, 5), I(0x3e, 3, 4, 0, 0), I(0x46, 3, 0, 0, 5), I(0x4e, 3, 4, 0, 0),
            I(0x56, 3, 0, 0, -5), I(0x5e, 3, 4, 0, 0), I(0x66, 3, 0, 0, 5), I(0x6e, 3, 4, 0, 0),
            I(0x76, 3, 0, 0, 5), I(0x7e, 3, 4, 0, 0), I(0xa6, 3, 0, 0, 5), I(0xae, 3, 4, 0, 0),
            I(0xb6, 3, 0, 0, 5), I(0xbe, 3, 4, 0, 0), I(0xc6, 3, 0, 0, 5), I(0xce, 3, 4, 0, 0),
            I(0xd6, 3, 0, 0, 5), I(0xde, 3, 4, 0, 0),
            I(0x85, 0, 0, 0, (int)Helper.KtimeGetNs),
            I(0x85, 0, 0, 0, (int)Helper.GetPrandomU32),
            I(0x85, 0, PseudoSource.Call, 0, 1),
            I(0x95, 0, 0, 0, 0),
            I(0xb7, 0, 0, 0, 0),
            I(0x95, 0, 0, 0, 0),
        });

        yield return new TestCaseData("v4", (object)new[]
        {
            I(0x18, 2, 0, 0, unchecked((long)0x8877665544332211)),
            I(0x7b, 10, 2, -8, 0),
            I(0x7b, 10, 2, -16, 0),
            I(0x91, 3, 10, -8, 0),          // r3 = *(s8 *)(r10 -8)
            I(0x89, 3, 10, -8, 0),
            I(0x81, 3, 10, -8, 0),
            I(0xbf, 4, 3, 8, 0),            // r4 = (s8)r3
            I(0xbf, 4, 3, 16, 0),
            I(0xbf, 4, 3, 32, 0),
            I(0xbc, 4, 3, 8, 0),            // w4 = (s8)w3
            I(0xbc, 4, 3, 16, 0),
            I(0xd7, 3, 0, 0, 16),           // r3 = bswap16 r3
            I(0xd7, 3, 0, 0, 32),
            I(0xd7, 3, 0, 0, 64),
            I(0xb7, 6, 0, 0, 7),
            I(0x37, 3, 0, 1, -3),           // r3 s/= -3
            I(0x3f, 3, 6, 1, 0),
            I(0x97, 3, 0, 1, 3),
            I(0x9f, 3, 6, 1, 0),
            I(0x34, 3, 0, 1, -3),
            I(0x3c, 3, 6, 1, 0),
            I(0x94, 3, 0, 1, 3),
            I(0x9c, 3, 6, 1, 0),
            I(0x06, 0, 0, 0, 0),            // gotol pc+0
            I(0xb7, 0, 0, 0, 0),
            I(0x95, 0, 0, 0, 0),
        });

        // Newer than v4, each its own case so a kernel with v4 alone still checks the v4 text.
        yield return new TestCaseData("may_goto", (object)new[]
        {
            I(0xe5, 0, 0, 1, 0),            // may_goto pc+1 (6.9)
            I(0xb7, 0, 0, 0, 1),
            I(0xb7, 0, 0, 0, 0),
            I(0x95, 0, 0, 0, 0),
        });
        yield return new TestCaseData("load_acquire_store_release", (object)new[]
        {
            I(0x18, 2, 0, 0, unchecked((long)0x8877665544332211)),
            I(0x7b, 10, 2, -8, 0),
            I(0x7b, 10, 2, -16, 0),
            I(0xb7, 6, 0, 0, 7),
            I(0xdb, 7, 10, -8, 0x100),      // r7 = load_acquire((u64 *)(r10 -8)) (6.15)
            I(0xc3, 7, 10, -8, 0x100),
            I(0xcb, 7, 10, -8, 0x100),
            I(0xd3, 7, 10, -8, 0x100),
            I(0xdb, 10, 6, -16, 0x110),     // store_release((u64 *)(r10 -16), r6)
            I(0xc3, 10, 6, -16, 0x110),
            I(0xcb, 10, 6, -16, 0x110),
            I(0xd3, 10, 6, -16, 0x110),
            I(0xb7, 0, 0, 0, 0),
            I(0x95, 0, 0, 0, 0),
        });
    }

    /// <summary>
    /// A kfunc call: the verifier names kfuncs through its cb_call (by BTF id), so a namer that knows the
    /// same names must print the same <c>call NAME#id</c>; without one the default is <c>kernel-function#id</c>.
    /// </summary>
    [Test]
    public void KfuncCallMatchesTheVerifierLog()
    {
        var ids = new Dictionary<int, string>();
        foreach (string line in KernelTools.Run("bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux").Split('\n'))
        {
            Match m = KfuncLine().Match(line);
            if (m.Success)
            {
                ids[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)] = m.Groups[2].Value;
            }
        }

        if (ids.Count != 2)
        {
            Assert.Ignore("this kernel's BTF has no bpf_rcu_read_lock/unlock kfuncs");
        }

        Instruction[] program =
        [
            I(0x85, 0, PseudoSource.KfuncCall, 0, ids.First(kv => kv.Value == "bpf_rcu_read_lock").Key),
            I(0x85, 0, PseudoSource.KfuncCall, 0, ids.First(kv => kv.Value == "bpf_rcu_read_unlock").Key),
            I(0xb7, 0, 0, 0, 0),
            I(0x95, 0, 0, 0, 0),
        ];
        var namer = new KfuncNamer(ids);
        Assert.That(InstructionFormatter.Format(program[0]), Does.StartWith("call kernel-function#"));
        CompareWithVerifier("kfunc", program, namer);
    }

    private sealed class KfuncNamer(Dictionary<int, string> names) : IInstructionNamer
    {
        public string? NameCall(in Instruction call) =>
            (byte)call.Src == PseudoSource.KfuncCall ? names.GetValueOrDefault(call.Immediate) : null;

        public string? FormatImmediate64(in Instruction load) => null;
    }

    [GeneratedRegex(@"^\[(\d+)\] FUNC '(bpf_rcu_read_(?:un)?lock)' ")]
    private static partial Regex KfuncLine();

    [TestCaseSource(nameof(Programs))]
    public void TextMatchesTheVerifierLog(string name, Instruction[] program)
    {
        if (name == "v4")
        {
            // Before 6.6 the kernel refuses the sign-extending loads and moves ("BPF_LDX uses reserved fields"): ask the probe.
            KernelRefusal.Require("ISA v4", Ebpf.Kernel.Features.Default.HaveV4Isa);
        }

        CompareWithVerifier(name, program, null);
    }

    private static void CompareWithVerifier(string name, Instruction[] program, IInstructionNamer? namer)
    {
        (int errno, string log) = VerifierLog.Load(program, SocketFilter);
        if (errno != 0 && (log.Contains("unknown opcode", StringComparison.Ordinal) || log.Contains("invalid BPF_", StringComparison.Ordinal)
            || log.Contains("uses reserved fields", StringComparison.Ordinal)))
        {
            string refusal = log.Split('\n').LastOrDefault(l => l.Length > 0 && !l.StartsWith("processed ", StringComparison.Ordinal)) ?? log;
            Assert.Ignore($"this kernel does not support every instruction of '{name}': the verifier says '{refusal}'");
        }

        Assert.That(errno, Is.Zero, $"{name}: BPF_PROG_LOAD failed\n{log}");

        // Instruction text by slot, as the verifier printed it (a slot walked twice must print the same).
        var printed = new Dictionary<int, string>();
        foreach (string line in log.Split('\n'))
        {
            Match m = InstructionLine().Match(line);
            if (!m.Success)
            {
                continue;
            }

            int slot = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            string text = m.Groups[2].Value;
            if (printed.TryGetValue(slot, out string? seen))
            {
                Assert.That(text, Is.EqualTo(seen), $"{name}: slot {slot} printed two ways");
            }

            printed[slot] = text;
        }

        int s = 0;
        Assert.Multiple(() =>
        {
            foreach (Instruction insn in program)
            {
                Assert.That(printed.TryGetValue(s, out string? kernel), Is.True, $"{name}: the verifier never printed slot {s} ({insn})");
                if (kernel != null)
                {
                    Assert.That(InstructionFormatter.FormatWithOpcode(insn, namer), Is.EqualTo(kernel), $"{name}: slot {s}");
                }

                s += insn.Slots;
            }
        });
        TestContext.Out.WriteLine($"{name}: {printed.Count} instructions match the verifier log");
    }
}
