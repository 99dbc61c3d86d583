namespace Ebpf.Tests.Specs;

/// <summary>A program as libbpf reports it after opening an object.</summary>
public sealed record LibbpfOpenProgram(string Name, string SectionName, uint Type, uint ExpectedAttachType, bool Autoload);
