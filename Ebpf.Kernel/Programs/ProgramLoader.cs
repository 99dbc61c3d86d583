using System.Text;
using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// Does the work of <see cref="Program.Load"/>: resolves what the spec left symbolic (maps, kfuncs, ksyms, the attach
/// target), builds the program's BTF, and drives <c>BPF_PROG_LOAD</c> through its retries: a first attempt without a
/// log, again with a large log when it fails (see <see cref="LoadWithRetries"/>), without the object name or the
/// function and line info when the kernel refuses them before the verifier runs.
/// </summary>
internal sealed unsafe class ProgramLoader : IDisposable
{
    private readonly ProgramSpec _spec;
    private readonly ProgramLoadOptions _options;
    private readonly IBpfSyscalls _syscalls;
    private readonly FdUseList _uses = new(); // every descriptor number the instructions and attributes carry
    private Instructions? _loaded; // the instructions as loaded, for the source lines of a verifier failure
    private SortedList<int, SourceLine>? _sourceLines; // their source lines by slot, read on the first failure
    private KernelSymbolResolver? _kernel;
    private BpfFileDescriptor? _attachBtfObject;
    private RetryState _retry = null!; // set by LoadWithRetries

    public ProgramLoader(ProgramSpec spec, ProgramLoadOptions options, IBpfSyscalls syscalls)
    {
        _spec = spec;
        _options = options;
        _syscalls = syscalls;
    }

    private static ByteOrder HostOrder => BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian;

    private KernelSymbolResolver Kernel => _kernel ??= new KernelSymbolResolver(_options.KernelBtf ?? KernelBtf.Shared, _syscalls);

    /// <summary>How reports and fallbacks name the program (<see cref="Program.Load"/> names its failures so too).</summary>
    private string Subject => FailureSubject.Of(_spec);

    public Program Load()
    {
        ProgramTypeCheck.EnsureTyped(_spec);
        if (_spec.ByteOrder != HostOrder)
        {
            throw new ArgumentException(
                $"{Subject} is {_spec.ByteOrder}; this machine runs {HostOrder} programs (compile for bpf{(HostOrder == ByteOrder.LittleEndian ? "el" : "eb")})");
        }

        var instructions = new Instructions(_spec.Instructions);
        instructions.ResolveReferences();
        Patch(instructions);
        byte[] code = instructions.Encode(HostOrder);
        _loaded = instructions;
        var attachTarget = ResolveAttachTarget();

        ProgramBtf? btf = null;
        BpfFileDescriptor? btfFd = null;
        if (_options.LoadProgramBtf && _spec.Btf is not null)
        {
            (btf, btfFd) = LoadProgramBtf(instructions, _spec.Btf);
        }

        try
        {
            int[] fdArray = _kernel?.HasFdArray == true ? _kernel.FdArray(_uses) : [];
            fixed (byte* insns = code)
            fixed (byte* license = Encoding.UTF8.GetBytes(_spec.License + "\0"))
            fixed (ProgramBtf.FuncRecord* funcs = btfFd is null ? null : btf!.FuncInfos)
            fixed (ProgramBtf.LineRecord* lines = btfFd is null ? null : btf!.LineInfos)
            fixed (int* fds = fdArray)
            {
                var attr = BuildAttr(code.Length / Instruction.SlotSize, insns, license, fds, attachTarget);
                if (btfFd is not null)
                {
                    AddBtfInfo(ref attr, btf!, btfFd, funcs, lines);
                }

                return LoadWithRetries(attr);
            }
        }
        finally
        {
            if (btfFd != _options.CollectionBtf?.FileDescriptor)
            {
                btfFd?.Dispose();
            }
        }
    }

    /// <summary>The attributes of the program itself: instructions, license, type, flags, attach target and the fd array.</summary>
    private ProgLoadAttr BuildAttr(int insnCount, byte* insns, byte* license, int* fds, (uint BtfId, uint Fd) attachTarget) => new()
    {
        ProgType = _spec.Type,
        ExpectedAttachType = _spec.AttachType ?? 0,
        InsnCnt = (uint)insnCount,
        Insns = (ulong)insns,
        License = (ulong)license,
        KernVersion = _spec.KernelVersion,
        ProgFlags = (uint)_spec.Flags,
        ProgIfIndex = _options.IfIndex,
        AttachBtfId = attachTarget.BtfId,
        AttachProgFd = attachTarget.Fd,
        FdArray = (ulong)fds,
    };

    /// <summary>Adds the program's BTF with its function info and, when it has some, its line info.</summary>
    private void AddBtfInfo(ref ProgLoadAttr attr, ProgramBtf btf, BpfFileDescriptor btfFd, ProgramBtf.FuncRecord* funcs, ProgramBtf.LineRecord* lines)
    {
        attr.ProgBtfFd = _uses.Add(btfFd);
        attr.FuncInfoRecSize = ProgramBtf.FuncInfoSize;
        attr.FuncInfo = (ulong)funcs;
        attr.FuncInfoCnt = (uint)btf.FuncInfos.Length;
        if (btf.LineInfos.Length > 0)
        {
            attr.LineInfoRecSize = ProgramBtf.LineInfoSize;
            attr.LineInfo = (ulong)lines;
            attr.LineInfoCnt = (uint)btf.LineInfos.Length;
        }
    }

    public void Dispose()
    {
        _uses.Dispose();
        _kernel?.Dispose();
        _attachBtfObject?.Dispose();
    }

    /// <summary>The object name the kernel accepts: at most 15 of the characters <c>[A-Za-z0-9_.]</c> of the spec's name.</summary>
    internal static string SanitizeName(string name)
    {
        var kept = new StringBuilder(BpfObjectName.Length - 1);
        foreach (char c in name)
        {
            if (kept.Length == BpfObjectName.Length - 1)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.')
            {
                kept.Append(c);
            }
        }

        return kept.ToString();
    }

    /// <summary>
    /// Loads, retrying as the type documents. The attributes' name and log fields are set here. A rejected program
    /// costs two verifier runs in the common case: the first without a log, the second with a log of at least
    /// <see cref="ProgramLoadOptions.FailureLogSize"/>. Since Linux 6.4 a log that does not fit keeps its end (where
    /// the error is) and the kernel reports the size it needed, so a rejection is never run a third time for the log;
    /// a log asked for from the start that overflowed gets one retry of the exact size (the program may be fine).
    /// Before 6.4 the log keeps its beginning and grows four-fold until it fits. Fallbacks (no name, no function and
    /// line info) are tried only when the kernel refused the attributes before the verifier ran.
    /// </summary>
    private Program LoadWithRetries(ProgLoadAttr attr)
    {
        _retry = new RetryState(_options, useName: SanitizeName(_spec.Name).Length > 0, withBtf: attr.ProgBtfFd != 0);
        while (true)
        {
            byte[]? log = _retry.Level == VerifierLogLevel.None ? null : GC.AllocateUninitializedArray<byte>((int)_retry.LogSize);
            fixed (byte* logBuf = log)
            {
                SetNameAndLog(ref attr, log, logBuf);
                try
                {
                    return Attempt(ref attr, log);
                }
                catch (EbpfPermissionException e) when (ExplainTracingRefusal(e) is var explained && explained != e)
                {
                    throw explained;
                }
                catch (EbpfVerifierException e)
                {
                    string text = e.Log.Length > 0 || log is null ? e.Log : ReadLog(log);
                    long trueSize = Math.Max(attr.LogTrueSize, e.LogTrueSize);
                    if (!PrepareRetry(ref attr, e, text, trueSize))
                    {
                        throw Rejection(e, text, trueSize);
                    }
                }
            }
        }
    }

    /// <summary>Sets the attempt's object name (unless dropped) and log buffer (none at <see cref="VerifierLogLevel.None"/>).</summary>
    private void SetNameAndLog(ref ProgLoadAttr attr, byte[]? log, byte* logBuf)
    {
        attr.ProgName = _retry.UseName ? BpfObjectName.From(SanitizeName(_spec.Name)) : default;
        if (log is not null)
        {
            log[0] = 0;
            attr.LogLevel = (uint)_retry.Level;
            attr.LogSize = (uint)log.Length;
            attr.LogBuf = (ulong)logBuf;
        }
        else
        {
            attr.LogLevel = 0;
            attr.LogSize = 0;
            attr.LogBuf = 0;
        }

        attr.LogTrueSize = 0;
    }

    /// <summary>One <c>BPF_PROG_LOAD</c>; on success the fallbacks taken are confirmed and the log (if asked for) kept.</summary>
    private Program Attempt(ref ProgLoadAttr attr, byte[]? log)
    {
        var fd = _syscalls.ProgLoad(ref attr);
        ConfirmFallbacks(fd);
        return Program.Loaded(fd, _spec, _options, _syscalls, log is null ? string.Empty : ReadLog(log));
    }

    /// <summary>
    /// Decides whether another attempt can explain the rejection or get past it, and changes the attributes and
    /// retry state for it: a log when there was none, a larger log, no function and line info, no object name.
    /// </summary>
    private bool PrepareRetry(ref ProgLoadAttr attr, EbpfVerifierException e, string text, long trueSize) =>
        RetryWithLog(e) || RetryWithLargerLog(e, trueSize) || RetryWithoutBtfInfo(ref attr, e, text) || RetryWithoutName(e, text);

    /// <summary>Explains a rejection of the attempt without a log, with a log large enough for nearly every rejection (libbpf's size too).</summary>
    private bool RetryWithLog(EbpfVerifierException e)
    {
        if (_retry.Level != VerifierLogLevel.None)
        {
            return false;
        }

        _retry.Unlogged = e;
        _retry.Level = VerifierLogLevel.Branch;
        _retry.LogSize = Math.Clamp(Math.Max(_retry.LogSize, ProgramLoadOptions.FailureLogSize), 1024, ProgramLoadOptions.MaximumLogSize);
        return true;
    }

    /// <summary>
    /// A log that did not fit (ENOSPC): before Linux 6.4 it kept its beginning and lost the error at its end, so it
    /// grows; a log asked for from the start that overflowed fails even a good program, so it gets one exact-size
    /// retry. Otherwise the rotated log kept its end, which names the error: no third run.
    /// </summary>
    private bool RetryWithLargerLog(EbpfVerifierException e, long trueSize)
    {
        if (e.Errno != Errno.ENOSPC)
        {
            return false;
        }

        if (trueSize == 0 && _retry.LogSize < ProgramLoadOptions.MaximumLogSize)
        {
            _retry.LogSize = Math.Min(ProgramLoadOptions.MaximumLogSize, _retry.LogSize * 4);
            return true;
        }

        if (trueSize > _retry.LogSize && _retry.Unlogged is null && !_retry.ExactRetried)
        {
            _retry.ExactRetried = true;
            _retry.LogSize = Math.Min(ProgramLoadOptions.MaximumLogSize, trueSize);
            return true;
        }

        return false;
    }

    /// <summary>The kernel refused the function or line info before the verifier ran (before 5.0 it knows neither): retry without BTF.</summary>
    private bool RetryWithoutBtfInfo(ref ProgLoadAttr attr, EbpfVerifierException e, string text)
    {
        if (!_retry.WithBtf || e.Errno is not (Errno.EINVAL or Errno.E2BIG) || !BlamesBtfInfo(text) || VerifierRan(text))
        {
            return false;
        }

        _retry.WithBtf = false;
        _retry.Dropped.Add(("BTF function and line info", "5.0", e));
        attr.ProgBtfFd = 0;
        attr.FuncInfoRecSize = 0;
        attr.FuncInfo = 0;
        attr.FuncInfoCnt = 0;
        attr.LineInfoRecSize = 0;
        attr.LineInfo = 0;
        attr.LineInfoCnt = 0;
        return true;
    }

    /// <summary>Rejected before the verifier ran on a kernel without object names (before 4.15): retry without the name.</summary>
    private bool RetryWithoutName(EbpfVerifierException e, string text)
    {
        if (!string.IsNullOrWhiteSpace(text) || !_retry.UseName || e.Errno is not (Errno.EINVAL or Errno.E2BIG) || ObjectNamesSupported())
        {
            return false;
        }

        _retry.UseName = false;
        _retry.Dropped.Add(("object names", "4.15", e));
        return true;
    }

    /// <summary>
    /// The exception for a rejection no retry gets past: the program type probe's when the kernel refused before the
    /// verifier ran and lacks the type; else the verifier's, with the verdict of the unlogged attempt when the logged
    /// one only ran out of log space, and a summary naming the failing line.
    /// </summary>
    private Exception Rejection(EbpfVerifierException e, string text, long trueSize)
    {
        if (string.IsNullOrWhiteSpace(text) && e.Errno is Errno.EINVAL or Errno.E2BIG)
        {
            EnsureProgramTypeKnown(); // rejected before the verifier ran: maybe a program type this kernel lacks
        }

        bool truncated = e.Errno == Errno.ENOSPC;
        var errno = truncated && _retry.Unlogged is not null ? _retry.Unlogged.Errno : e.Errno; // ENOSPC hides the verdict
        string? note = truncated ? TruncationNote(text, trueSize, _retry.LogSize) : null;
        return new EbpfVerifierException(
            BpfCommand.ProgLoad, errno, text, truncated, VerifierLogSummary.Summarize(text, truncated, note, SourceLineAt))
        {
            LogTrueSize = trueSize,
        };
    }

    /// <summary>The source line of the instruction at <paramref name="slot"/>: the nearest one recorded at or before it; null without line info.</summary>
    private SourceLine? SourceLineAt(int slot)
    {
        SourceLine? found = null;
        _sourceLines ??= _loaded is null ? [] : SourceLinesBySlot(_loaded);
        foreach (var (start, line) in _sourceLines)
        {
            if (start > slot)
            {
                break;
            }

            found = line;
        }

        return found;
    }

    private static SortedList<int, SourceLine> SourceLinesBySlot(Instructions instructions)
    {
        var lines = new SortedList<int, SourceLine>();
        int slot = 0;
        foreach (var insn in instructions)
        {
            if (insn.Metadata?.Source is { } source)
            {
                lines[slot] = source;
            }

            slot += insn.Slots;
        }

        return lines;
    }

    /// <summary>
    /// For an EPERM of a trampoline or LSM program while the process has the capabilities: an exception naming what
    /// else refused it (the refusal itself otherwise, keeping the capability hint). It names the kind of program;
    /// <see cref="Program.Load"/> puts the program's name and section in front.
    /// </summary>
    private EbpfPermissionException ExplainTracingRefusal(EbpfPermissionException refusal) =>
        EbpfPermissionException.ExplainTracingRefusal(
            refusal, _spec.Type, _spec.AttachType, $"{(_spec.AttachType is { } attach ? KernelNames.Of(attach) : KernelNames.Of(_spec.Type))} program",
            _options.KernelConfig, _options.ProcessStatusPath, _options.SecurityDirectory);

    /// <summary>Whether the object-name probe (cached) finds names supported, so leaving the name out cannot help.</summary>
    /// <summary>Throws the program type probe's <see cref="EbpfNotSupportedException"/> when the kernel lacks the type; returns when it has it or the probe cannot tell.</summary>
    private void EnsureProgramTypeKnown()
    {
        try
        {
            Features.For(_syscalls).HaveProgramType(_spec.Type);
        }
        catch (EbpfNotSupportedException)
        {
            throw;
        }
        catch (EbpfException)
        {
            // the probe cannot tell (EPERM, ...): the load's own error stands
        }
    }

    private bool ObjectNamesSupported()
    {
        try
        {
            Features.For(_syscalls).HaveObjectName();
            return true;
        }
        catch (EbpfNotSupportedException)
        {
            return false;
        }
        catch (EbpfException)
        {
            return false; // the probe cannot tell: try without the name
        }
    }

    /// <summary>Says which part of a truncated log <see cref="EbpfVerifierException.Log"/> holds.</summary>
    private static string TruncationNote(string text, long trueSize, long logSize) =>
        trueSize > 0
            ? $"log truncated: it holds only its last {Encoding.UTF8.GetByteCount(text):N0} of {trueSize:N0} bytes; set ProgramLoadOptions.LogLevel and a LogSize of {trueSize:N0} to get all of it"
            : $"log truncated: it holds only its first {logSize:N0} bytes, the most the kernel takes";

    /// <summary>
    /// Reports the debug aids a successful load left out, or (fallbacks disabled) closes the program and throws: the
    /// load without them succeeding is what shows the kernel lacks them.
    /// </summary>
    private void ConfirmFallbacks(BpfFileDescriptor fd)
    {
        try
        {
            foreach (var (feature, kernel, cause) in Enumerable.Reverse(_retry.Dropped)) // the last one left out surely mattered
            {
                _options.Fallbacks.Take(feature, kernel, Subject, cause);
            }
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Rewrites map, kfunc and ksym references into what the kernel takes.</summary>
    private void Patch(Instructions instructions)
    {
        var addresses = TypelessKsymAddresses(instructions);
        for (int i = 0; i < instructions.Count; i++)
        {
            var insn = instructions[i];
            if (insn.Reference is not { } reference)
            {
                continue;
            }

            byte src = (byte)insn.Src;
            if (insn.OpCode.IsLoadImm64 && src is PseudoSource.MapFd or PseudoSource.MapValue)
            {
                var fd = ResolveMap(reference);
                long offset = src == PseudoSource.MapValue ? (long)((ulong)insn.Constant >> 32) : 0;
                instructions[i] = insn.WithConstant((offset << 32) | _uses.Add(fd));
            }
            else if (insn.IsKfuncCall)
            {
                if (Kernel.TryFind(reference, BtfKind.Func) is var (id, module))
                {
                    instructions[i] = insn.WithConstant(id).WithOffset(Kernel.FdArrayIndex(module));
                }
                else if (IsWeak(reference))
                {
                    // As libbpf 1.1: kfunc id 0, which the verifier accepts only in code it proves dead (behind bpf_ksym_exists).
                    instructions[i] = insn.WithConstant(0).WithOffset(0);
                }
                else
                {
                    Kernel.Find(reference, BtfKind.Func, "kfunc"); // throws, naming what is missing
                }
            }
            else if (insn.OpCode.IsLoadImm64 && src == PseudoSource.BtfId)
            {
                // A typed ksym is a kernel VAR; the address of a kfunc (bpf_ksym_exists) is a FUNC.
                var found = Kernel.TryFind(reference, BtfKind.Var) ?? Kernel.TryFind(reference, BtfKind.Func);
                if (found is var (id, module))
                {
                    long btfFd = module is null ? 0 : _uses.Add(Kernel.ModuleFd(module));
                    instructions[i] = insn.WithConstant((btfFd << 32) | id);
                }
                else if (IsWeak(reference))
                {
                    instructions[i] = new Instruction(insn.OpCode, insn.Dst, 0, insn.Offset, 0, insn.Metadata).WithReference(reference);
                }
                else
                {
                    Kernel.Find(reference, BtfKind.Var, "ksym"); // throws, naming what is missing
                }
            }
            else if (insn.OpCode.IsLoadImm64 && src == 0)
            {
                instructions[i] = insn.WithConstant(addresses.TryGetValue(reference, out ulong address) ? (long)address : 0);
            }
        }
    }

    private bool IsWeak(string name) => _spec.WeakKernelSymbols.Contains(name);

    // Typeless ksyms (plain lddw naming a symbol) are addresses from /proc/kallsyms; a weak one the kernel lacks is 0.
    private Dictionary<string, ulong> TypelessKsymAddresses(Instructions instructions)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var insn in instructions)
        {
            if (insn.OpCode.IsLoadImm64 && (byte)insn.Src == 0 && insn.Reference is { } name)
            {
                names.Add(name);
            }
        }

        var addresses = KernelSymbolAddresses.Find(names, _options.KernelSymbolsPath ?? KernelSymbolAddresses.DefaultPath);
        foreach (string name in names)
        {
            if (!addresses.ContainsKey(name) && !IsWeak(name))
            {
                throw new EbpfException($"the kernel symbol '{name}' it uses is not in /proc/kallsyms");
            }
        }

        return addresses;
    }

    private BpfFileDescriptor ResolveMap(string name)
    {
        return (_options.Maps is { } maps && maps.TryGetValue(name, out var found) ? found : null)
            ?? _options.MapResolver?.Invoke(name)
            ?? throw new EbpfException($"the map '{name}' it uses is not among the load options' maps (ProgramLoadOptions.Maps or MapResolver)");
    }

    /// <summary>The <c>attach_btf_id</c> and <c>attach_prog_fd</c>/<c>attach_btf_obj_fd</c> of tracing, LSM and extension programs.</summary>
    private (uint BtfId, uint Fd) ResolveAttachTarget()
    {
        uint targetFd = 0;
        if (_options.AttachProgram is { } target)
        {
            targetFd = _uses.Add(target);
        }

        if (_options.AttachBtfId != 0)
        {
            return (_options.AttachBtfId, targetFd);
        }

        if (_spec.AttachTo is not { Length: > 0 } attachTo || _spec.Type is not (BpfProgramType.Tracing or BpfProgramType.Lsm or BpfProgramType.Ext))
        {
            return (0, targetFd);
        }

        if (_options.AttachProgram is { } program)
        {
            var info = Program.QueryInfo(_syscalls, program);
            if (info.BtfId == 0)
            {
                throw new EbpfException($"its attach target '{attachTo}' is in a program that has no BTF");
            }

            var targetBtf = KernelBtfObjects.Read(_syscalls, info.BtfId);
            var ids = targetBtf.FindIds(attachTo, BtfKind.Func);
            return ids.Count > 0
                ? (ids[0], targetFd)
                : throw new EbpfException($"its attach target '{attachTo}' is no function of the target program's BTF");
        }

        if (_spec.Type == BpfProgramType.Ext)
        {
            throw new EbpfException("an extension program needs the program it replaces a function of (ProgramLoadOptions.AttachProgram)");
        }

        var (prefix, kind) = _spec.AttachType switch
        {
            BpfAttachType.TraceRawTp => ("btf_trace_", BtfKind.Typedef),
            BpfAttachType.TraceIter => ("bpf_iter_", BtfKind.Func),
            BpfAttachType.LsmMac or BpfAttachType.LsmCgroup => ("bpf_lsm_", BtfKind.Func),
            _ => (string.Empty, BtfKind.Func),
        };
        int colon = attachTo.IndexOf(':', StringComparison.Ordinal);
        string qualified = colon > 0 ? attachTo[..(colon + 1)] + prefix + attachTo[(colon + 1)..] : prefix + attachTo;
        var (id, module) = Kernel.Find(qualified, kind, "attach target");
        if (module is not null)
        {
            _attachBtfObject = KernelBtfObjects.OpenModule(_syscalls, module);
            return (id, _uses.Add(_attachBtfObject));
        }

        return (id, 0);
    }

    /// <summary>
    /// Takes the collection's BTF when it holds the program's (<see cref="ProgramLoadOptions.CollectionBtf"/>), else
    /// builds and loads the program's BTF, with the kinds the kernel lacks (probed by <see cref="Features"/>) rewritten
    /// first. Should the kernel still reject it, the BTF is sent once more with the kinds of Linux 5.2, then left out.
    /// </summary>
    private (ProgramBtf? Btf, BpfFileDescriptor? Fd) LoadProgramBtf(Instructions instructions, BtfSpec source)
    {
        var features = Features.For(_syscalls);
        foreach (var (needed, feature, kernel) in new[] { (BtfFeature.Btf, "program BTF", "4.18"), (BtfFeature.Func, "BTF function and line info", "5.0") })
        {
            if (features.MissingBtfFeature(needed) is { } cause)
            {
                _options.Fallbacks.Take(feature, kernel, Subject, cause);
                return (null, null);
            }
        }

        if (_options.CollectionBtf is { } shared && shared.Holds(source) && ProgramBtf.Build(instructions, shared) is { } records)
        {
            return (records, shared.FileDescriptor); // the collection's, not closed here
        }

        var sanitizing = features.BtfSanitizing();
        var btf = ProgramBtf.Build(instructions, source, sanitizing.Any ? sanitizing : null);
        if (btf is null)
        {
            return (null, null);
        }

        var fd = TryLoadBtf(btf.Blob, out var rejection);
        if (fd is not null)
        {
            return (btf, fd);
        }

        // The probes missed something: try the kinds of Linux 5.2, then go on without BTF.
        var compatible = ProgramBtf.Build(instructions, source, ProgramBtf.CompatibleMarshal);
        fd = compatible is null ? null : TryLoadBtf(compatible.Blob, out _);
        if (fd is not null)
        {
            _options.Fallbacks.Report?.Invoke($"{Subject}: the kernel rejected the BTF as built ({rejection!.Message}); sent it with the kinds of Linux 5.2");
            return (compatible, fd);
        }

        _options.Fallbacks.Take("program BTF", "4.18", Subject, rejection!);
        return (null, null);
    }

    /// <summary>Loads the program's BTF; null when the kernel rejects it (the program then loads without func and line info).</summary>
    private BpfFileDescriptor? TryLoadBtf(byte[] blob, out Exception? rejection)
    {
        rejection = null;
        fixed (byte* p = blob)
        {
            var attr = new BtfLoadAttr { Btf = (ulong)p, BtfSize = (uint)blob.Length };
            try
            {
                return _syscalls.BtfLoad(ref attr);
            }
            catch (EbpfException e) when (e is not EbpfPermissionException)
            {
                rejection = e;
                return null;
            }
            catch (EbpfNotSupportedException e)
            {
                rejection = e;
                return null;
            }
        }
    }

    /// <summary>Whether the verifier started on the instructions (the log shows one): attributes it refuses fail before that.</summary>
    private static bool VerifierRan(string log)
    {
        foreach (var line in log.AsSpan().EnumerateLines())
        {
            if (VerifierLogSummary.IsInstructionLine(line))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a verifier log blames the program's function or line info (or is empty: rejected before the verifier ran).</summary>
    private static bool BlamesBtfInfo(string log) =>
        string.IsNullOrWhiteSpace(log)
        || log.Contains("func_info", StringComparison.OrdinalIgnoreCase) || log.Contains("func info", StringComparison.OrdinalIgnoreCase)
        || log.Contains("line_info", StringComparison.OrdinalIgnoreCase) || log.Contains("line info", StringComparison.OrdinalIgnoreCase)
        || log.Contains("btf_info", StringComparison.OrdinalIgnoreCase) || log.Contains("Invalid BTF", StringComparison.Ordinal);

    private static string ReadLog(byte[] log)
    {
        int end = Array.IndexOf(log, (byte)0);
        return Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end);
    }

    /// <summary>What <see cref="LoadWithRetries"/> carries from one attempt to the next.</summary>
    private sealed class RetryState(ProgramLoadOptions options, bool useName, bool withBtf)
    {
        /// <summary>Whether the attempt sends the object name (dropped for kernels without object names).</summary>
        public bool UseName { get; set; } = useName;

        /// <summary>Whether the attempt sends function and line info (dropped when the kernel refuses them).</summary>
        public bool WithBtf { get; set; } = withBtf;

        /// <summary>The log level of the attempt; <see cref="VerifierLogLevel.None"/> sends no log buffer.</summary>
        public VerifierLogLevel Level { get; set; } = options.LogLevel;

        /// <summary>The size of the attempt's log buffer.</summary>
        public long LogSize { get; set; } = Math.Clamp(options.LogSize, 1024, ProgramLoadOptions.MaximumLogSize);

        /// <summary>The failure of the attempt without a log: the program is rejected, whatever the log attempts say.</summary>
        public EbpfVerifierException? Unlogged { get; set; }

        /// <summary>Whether the one exact-size retry of an overflowing log was made.</summary>
        public bool ExactRetried { get; set; }

        /// <summary>The debug aids left out, with the kernel that has them and the refusal that showed they are missing.</summary>
        public List<(string Feature, string Kernel, Exception Cause)> Dropped { get; } = [];
    }
}
