namespace Ebpf.Tests.Specs;

/// <summary>What libbpf makes of one section name, as kernel enum numbers.</summary>
/// <param name="ProgramType">The program type from <c>libbpf_prog_type_by_name</c>.</param>
/// <param name="AttachType">The expected attach type from <c>libbpf_prog_type_by_name</c> (0 when none).</param>
/// <param name="AttachableAttachType">
/// The attach type from <c>libbpf_attach_type_by_name</c>, or null when libbpf does not call the section attachable.
/// </param>
public sealed record LibbpfSectionAnswer(uint ProgramType, uint AttachType, uint? AttachableAttachType);
