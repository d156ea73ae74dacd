using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace SparseX.Engine.Cache;

/// <summary>SHA-256 based keys for cached KV: prefix-block chains and segments.</summary>
public static class ContentHash
{
    /// <summary>Hashes a parent hash, a namespace and token ids (the prefix-cache chain link).</summary>
    /// <param name="parent">The previous block's hash (empty for the first block).</param>
    /// <param name="ns">The namespace.</param>
    /// <param name="tokens">The block's tokens.</param>
    /// <returns>A hex digest.</returns>
    public static string Chain(string parent, string ns, ReadOnlySpan<int> tokens) => Digest(parent, ns, tokens);

    /// <summary>Hashes a segment: model fingerprint, namespace and token ids (DESIGN §3).</summary>
    /// <param name="modelFingerprint">Identifies the weights.</param>
    /// <param name="ns">The namespace.</param>
    /// <param name="tokens">The segment's tokens.</param>
    /// <returns>A hex digest.</returns>
    public static string Segment(string modelFingerprint, string ns, ReadOnlySpan<int> tokens) => Digest(modelFingerprint, ns, tokens);

    private static string Digest(string a, string b, ReadOnlySpan<int> tokens)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string s in new[] { a, b })
        {
            byte[] bytes = Encoding.UTF8.GetBytes(s);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }

        hash.AppendData(MemoryMarshal.AsBytes(tokens));
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
