using Ebpf.Asm;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Program and helper probes of <see cref="Features"/>.</summary>
public sealed unsafe partial class Features
{
    private const int ProbeLogSize = 4096;

    /// <summary>Checks that the kernel can load programs of <paramref name="type"/> (a minimal <c>r0 = 0; exit</c>).</summary>
    /// <exception cref="EbpfNotSupportedException">It cannot.</exception>
    public void HaveProgramType(BpfProgramType type) =>
        Check(new ProbeKey("program", (ulong)type), static state => state.self.ProbeProgramType(state.type), (self: this, type));

    /// <summary>Checks that programs of <paramref name="type"/> may call <paramref name="helper"/>.</summary>
    /// <exception cref="EbpfNotSupportedException">The program type or the helper is missing, or the type may not call it.</exception>
    /// <exception cref="ArgumentException"><paramref name="type"/> loads only with an attach target, so a helper probe cannot tell.</exception>
    public void HaveHelper(BpfProgramType type, Helper helper)
    {
        if (NeedsAttachTarget(type))
        {
            throw new ArgumentException($"{KernelNames.Of(type)} programs need an attach target; helper probes cannot load them", nameof(type));
        }

        HaveProgramType(type);
        Check(new ProbeKey("helper", (ulong)type, (ulong)(uint)helper), static state => state.self.ProbeHelper(state.type, state.helper), (self: this, type, helper));
    }

    private EbpfNotSupportedException? ProbeProgramType(BpfProgramType type)
    {
        var insns = new[]
        {
            new Instruction(OpCode.Alu(InstructionClass.Alu64, AluOp.Mov, OperandSource.Constant), Register.R0, Register.R0, 0, 0),
            new Instruction(OpCode.Jump(InstructionClass.Jmp, JumpOp.Exit, OperandSource.Constant), Register.R0, Register.R0, 0, 0),
        };
        string feature = $"program type {KernelNames.Of(type)}";
        var failure = LoadProbe(type, insns, out var log);
        if (failure is null)
        {
            return null;
        }

        // Known types reach the verifier (or its attach-target check) and leave a log; unknown ones stop earlier.
        if (log.Length == 0 && failure.Errno is Errno.EINVAL or Errno.E2BIG or Errno.EOPNOTSUPP or Errno.ENOTSUPP)
        {
            return new EbpfNotSupportedException(feature, MinimumKernelVersions.Of(type), failure.Errno, failure);
        }

        return log.Length > 0 || failure is EbpfVerifierException ? null : throw failure;
    }

    private EbpfNotSupportedException? ProbeHelper(BpfProgramType type, Helper helper)
    {
        var insns = new[]
        {
            new Instruction(OpCode.Jump(InstructionClass.Jmp, JumpOp.Call, OperandSource.Constant), Register.R0, Register.R0, 0, (int)helper),
            new Instruction(OpCode.Alu(InstructionClass.Alu64, AluOp.Mov, OperandSource.Constant), Register.R0, Register.R0, 0, 0),
            new Instruction(OpCode.Jump(InstructionClass.Jmp, JumpOp.Exit, OperandSource.Constant), Register.R0, Register.R0, 0, 0),
        };
        var failure = LoadProbe(type, insns, out var log);
        if (failure is null)
        {
            return null;
        }

        // "invalid func" / "unknown func": no such helper; "cannot use helper": not for this program type.
        // Any other complaint (argument types, ...) comes after the helper was found.
        if (log.Contains("invalid func ", StringComparison.Ordinal) || log.Contains("unknown func ", StringComparison.Ordinal)
            || log.Contains("cannot use helper", StringComparison.Ordinal))
        {
            string name = helper.GetName() is { Length: > 0 } n ? n : $"helper #{(int)helper}";
            string lockdown = WithheldByLockdown(helper) is { } reason ? $" ({reason})" : string.Empty;
            return new EbpfNotSupportedException($"{name} in {KernelNames.Of(type)} programs{lockdown}", null, failure.Errno, failure);
        }

        return log.Length > 0 || failure is EbpfVerifierException ? null : throw failure;
    }

    /// <summary>
    /// The lockdown in force when it is one in which Linux withholds <paramref name="helper"/>: tracing programs get no
    /// <c>bpf_probe_write_user</c> in integrity mode (LOCKDOWN_BPF_WRITE_USER) and none of the kernel-memory reads in
    /// confidentiality mode (LOCKDOWN_BPF_READ_KERNEL); null otherwise.
    /// </summary>
    private static string? WithheldByLockdown(Helper helper)
    {
        string? needs = helper switch
        {
            Helper.ProbeWriteUser => "integrity",
            Helper.ProbeRead or Helper.ProbeReadStr or Helper.ProbeReadKernel or Helper.ProbeReadKernelStr => "confidentiality",
            _ => null,
        };
        if (needs is null || PermissionDiagnosis.Read().Lockdown is not { } mode)
        {
            return null;
        }

        bool applies = needs == "integrity" || mode.StartsWith("confidentiality", StringComparison.Ordinal);
        return applies ? $"the kernel is locked down ({mode}; see kernel_lockdown(7)), a mode in which Linux withholds it" : null;
    }

    /// <summary>Loads a probe program; returns null on success, else the failure and the verifier log.</summary>
    private EbpfException? LoadProbe(BpfProgramType type, Instruction[] instructions, out string log)
    {
        log = string.Empty;
        var order = BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian;
        var code = new byte[instructions.Length * Instruction.SlotSize];
        int offset = 0;
        foreach (var instruction in instructions)
        {
            offset += instruction.Encode(code.AsSpan(offset), order);
        }

        var logBuffer = new byte[ProbeLogSize];
        ReadOnlySpan<byte> license = "GPL\0"u8;
        fixed (byte* insns = code)
        fixed (byte* lic = license)
        fixed (byte* logBuf = logBuffer)
        {
            var attr = new ProgLoadAttr
            {
                ProgType = type,
                InsnCnt = (uint)instructions.Length,
                Insns = (ulong)insns,
                License = (ulong)lic,
                LogLevel = 1,
                LogSize = ProbeLogSize,
                LogBuf = (ulong)logBuf,
                KernVersion = type == BpfProgramType.Kprobe ? KernelVersionCode() : 0,
            };
            switch (type)
            {
                case BpfProgramType.CgroupSockAddr:
                    attr.ExpectedAttachType = BpfAttachType.CgroupInet4Connect;
                    break;
                case BpfProgramType.CgroupSockopt:
                    attr.ExpectedAttachType = BpfAttachType.CgroupGetsockopt;
                    break;
                case BpfProgramType.SkLookup:
                    attr.ExpectedAttachType = BpfAttachType.SkLookup;
                    break;
                case BpfProgramType.Netfilter:
                    attr.ExpectedAttachType = BpfAttachType.Netfilter;
                    break;
                case BpfProgramType.Tracing:
                    attr.ExpectedAttachType = BpfAttachType.TraceFentry;
                    attr.AttachBtfId = 1;
                    break;
                case BpfProgramType.Lsm:
                    attr.ExpectedAttachType = BpfAttachType.LsmMac;
                    attr.AttachBtfId = 1;
                    break;
                case BpfProgramType.Ext or BpfProgramType.StructOps:
                    attr.AttachBtfId = 1;
                    break;
                case BpfProgramType.Syscall:
                    attr.ProgFlags = (uint)ProgramFlags.Sleepable; // the verifier refuses syscall programs that may not sleep
                    break;
            }

            try
            {
                using var fd = _syscalls.ProgLoad(ref attr);
                return null;
            }
            catch (EbpfPermissionException e) when (NeedsAttachTarget(type) && e.Errno == Errno.EPERM)
            {
                // Without a real attach target these types stop with EPERM (and no log) after the kernel has
                // recognised the type; an unknown type fails earlier with EINVAL. So EPERM answers the probe.
                log = "EPERM without attach target";
                return e;
            }
            catch (EbpfPermissionException)
            {
                throw;
            }
            catch (EbpfVerifierException e)
            {
                log = e.Log;
                return e;
            }
            catch (EbpfException e)
            {
                return e;
            }
            catch (EbpfNotSupportedException e)
            {
                return new EbpfException(BpfCommand.ProgLoad, e.Errno, e.Message);
            }
        }
    }

    private static bool NeedsAttachTarget(BpfProgramType type) =>
        type is BpfProgramType.Tracing or BpfProgramType.Lsm or BpfProgramType.Ext or BpfProgramType.StructOps;

    /// <summary><c>LINUX_VERSION_CODE</c> of the running kernel, which kprobe programs had to state before Linux 5.0.</summary>
    private static uint KernelVersionCode()
    {
        var v = Environment.OSVersion.Version;
        return (uint)((Math.Max(v.Major, 0) << 16) | (Math.Max(v.Minor, 0) << 8) | Math.Clamp(v.Build, 0, 255));
    }
}
