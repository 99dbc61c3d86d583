namespace Ebpf.Kernel;

/// <summary>What <see cref="PermissionDiagnosis"/> found for a refusal.</summary>
/// <param name="Text">The explanation, for an exception message or a test's skip reason.</param>
/// <param name="ExplainedByEnvironment">
/// True when the process lacks the capabilities, or has them and a restriction of this machine is in force that can
/// refuse BPF calls (lockdown, an LSM with a BPF policy, capabilities missing from the bounding set, a sysctl, a kernel
/// built without what the call needs). False when the process had the capabilities and none of those was found (or
/// the capabilities could not be read): then the refusal is unexplained, and a test that expects the call to work
/// should fail.
/// </param>
internal readonly record struct PermissionFinding(string Text, bool ExplainedByEnvironment);
