namespace Ebpf.Tests.Specs;

/// <summary>A program as libbpf sees it after <c>bpf_object__open</c>.</summary>
public sealed record LibbpfProgram(string Name, string Section, uint Type, uint AttachType, int InstructionCount, bool Autoload);
