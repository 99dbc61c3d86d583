using System.Runtime.CompilerServices;
using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel.Interop;
using Ebpf.Btf.Marshaling;

namespace Ebpf.Kernel;

/// <summary>BTF kind probes of <see cref="Features"/>: each loads a tiny BTF blob that needs the kind.</summary>
public sealed unsafe partial class Features
{
    private static readonly ConditionalWeakTable<IBpfSyscalls, Features> BySyscalls = [];

    /// <summary>Checks that the kernel accepts BTF with <paramref name="feature"/>.</summary>
    /// <exception cref="EbpfNotSupportedException">It does not.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="feature"/> is not a known feature.</exception>
    public void HaveBtfFeature(BtfFeature feature)
    {
        if (!Enum.IsDefined(feature))
        {
            throw new ArgumentOutOfRangeException(nameof(feature), feature, "unknown BTF feature");
        }

        if (feature != BtfFeature.Btf)
        {
            HaveBtfFeature(BtfFeature.Btf);
        }

        Check(new ProbeKey("btf", (ulong)feature), static state => state.self.ProbeBtf(state.feature), (self: this, feature));
    }

    /// <summary>The probes for the syscalls a load uses: <see cref="Default"/> for the real kernel, one cached instance per other implementation.</summary>
    internal static Features For(IBpfSyscalls syscalls) =>
        syscalls == LinuxBpfSyscalls.Instance ? Default : BySyscalls.GetValue(syscalls, static s => new Features(s));

    /// <summary>
    /// The BTF rewrites the running kernel needs, from the probes: each kind it lacks is replaced as
    /// <see cref="BtfMarshalOptions"/> describes. A probe that cannot answer (EPERM, ...) asks for no rewrite; the
    /// load's own rejection fallback stays the safety net.
    /// </summary>
    internal BtfMarshalOptions BtfSanitizing()
    {
        var options = new BtfMarshalOptions
        {
            StripFuncLinkage = Lacks(BtfFeature.GlobalFunc),
            ReplaceFunctions = Lacks(BtfFeature.Func),
            ReplaceDataSections = Lacks(BtfFeature.DataSec),
            ReplaceQuestionMarkSectionNames = Lacks(BtfFeature.QuestionMarkDataSec),
            ReplaceFloats = Lacks(BtfFeature.Float),
            ReplaceDeclTags = Lacks(BtfFeature.DeclTag),
            ReplaceTypeTags = Lacks(BtfFeature.TypeTag),
            ReplaceEnum64 = Lacks(BtfFeature.Enum64),
        };
        return options.Any ? options : BtfMarshalOptions.None;
    }

    /// <summary>Whether a probe says the kernel lacks <paramref name="feature"/> (false when it cannot tell).</summary>
    internal bool Lacks(BtfFeature feature) => MissingBtfFeature(feature) is not null;

    /// <summary>The probe's answer when it says the kernel lacks <paramref name="feature"/>; null when it has it or the probe cannot tell.</summary>
    internal EbpfNotSupportedException? MissingBtfFeature(BtfFeature feature)
    {
        try
        {
            HaveBtfFeature(feature);
            return null;
        }
        catch (EbpfNotSupportedException e)
        {
            return e;
        }
        catch (EbpfException)
        {
            return null;
        }
    }

    private EbpfNotSupportedException? ProbeBtf(BtfFeature feature)
    {
        var builder = new BtfBuilder();
        uint i = builder.AddInt("int", 4, BtfIntEncoding.Signed);
        string? minimum = null;
        switch (feature)
        {
            case BtfFeature.Btf:
                minimum = "4.18";
                break;
            case BtfFeature.Func or BtfFeature.GlobalFunc:
                uint proto = builder.Add(new BtfFuncProto(0, string.Empty, i, [new BtfParameter("x", i)]));
                builder.Add(new BtfFunc(0, "probe", proto, feature == BtfFeature.GlobalFunc ? BtfLinkage.Global : BtfLinkage.Static));
                minimum = feature == BtfFeature.Func ? "5.0" : "5.6";
                break;
            case BtfFeature.DataSec or BtfFeature.QuestionMarkDataSec:
                uint variable = builder.Add(new BtfVar(0, "x", i, BtfLinkage.Static));
                builder.Add(new BtfDataSec(0, feature == BtfFeature.DataSec ? ".data" : "?.data", 4, [new BtfVarSecInfo(variable, 0, 4)]));
                minimum = feature == BtfFeature.DataSec ? "5.2" : "6.9";
                break;
            case BtfFeature.Float:
                builder.Add(new BtfFloat(0, "float", 4));
                minimum = "5.13";
                break;
            case BtfFeature.DeclTag:
                uint tagged = builder.Add(new BtfVar(0, "x", i, BtfLinkage.Static));
                builder.Add(new BtfDeclTag(0, "tag", tagged, -1));
                minimum = "5.16";
                break;
            case BtfFeature.TypeTag:
                builder.AddPointer(builder.Add(new BtfTypeTag(0, "tag", i)));
                minimum = "5.17";
                break;
            case BtfFeature.Enum64:
                builder.Add(new BtfEnum64(0, "e", 8, false, [new BtfEnumValue("E", 1L << 40)]));
                minimum = "6.0";
                break;
        }

        byte[] blob = builder.Marshal(BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian);
        fixed (byte* p = blob)
        {
            var attr = new BtfLoadAttr { Btf = (ulong)p, BtfSize = (uint)blob.Length };
            try
            {
                _syscalls.BtfLoad(ref attr)?.Dispose();
                return null;
            }
            catch (EbpfVerifierException e)
            {
                return new EbpfNotSupportedException($"BTF {FeatureName(feature)}", minimum, e.Errno, e);
            }
            catch (EbpfNotSupportedException e)
            {
                return new EbpfNotSupportedException($"BTF {FeatureName(feature)}", minimum, e.Errno, e);
            }
        }
    }

    private static string FeatureName(BtfFeature feature) => feature switch
    {
        BtfFeature.Btf => "(BPF_BTF_LOAD)",
        BtfFeature.Func => "FUNC",
        BtfFeature.GlobalFunc => "global FUNC",
        BtfFeature.DataSec => "DATASEC",
        BtfFeature.QuestionMarkDataSec => "DATASEC named '?...'",
        BtfFeature.Float => "FLOAT",
        BtfFeature.DeclTag => "DECL_TAG",
        BtfFeature.TypeTag => "TYPE_TAG",
        _ => "ENUM64",
    };
}
