using Ebpf.Asm;

namespace Ebpf.Specs;

/// <summary>
/// One function of an object as the reader cut it out: its symbol name and its instructions, whose function
/// references (and first instruction's symbol) are keys that tell apart static functions sharing a name.
/// </summary>
/// <param name="Name">The function's symbol name.</param>
/// <param name="Body">Its instructions, relocated, references not yet resolved.</param>
internal sealed record ObjectFunction(string Name, Instructions Body);
