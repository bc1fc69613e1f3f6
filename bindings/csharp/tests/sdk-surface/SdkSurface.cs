// TESTS ONLY. The part of the Zoho CRM C# SDK (NuGet ZOHOCRMSDK-8.0 4.0.0) that the binding
// touches, declared from the contract (docs/sdk-contract.md §1, §2) with the SDK's
// exact namespaces, names and signatures, because NuGet is unreachable here. It is compiled into its
// own assembly so that the binding builds against it exactly as against the real SDK. Nothing in it
// is the SDK's code; members the binding never calls throw.
using System;
using System.Collections.Generic;

namespace Com.Zoho.Crm.API.Util
{
    /// <summary>The SDK's HTTP connector; only named by IToken.Authenticate.</summary>
    public class APIHTTPConnector
    {
    }
}

namespace Com.Zoho.API.Exception
{
    /// <summary>The SDK's exception: Code, Message (overridden) and Cause, as in SDKException.cs.</summary>
    public class SDKException : System.Exception
    {
        private readonly string code;
        private readonly string message;
        private readonly System.Exception cause;

        public SDKException(string code, string message, System.Exception cause)
            : base(message, cause)
        {
            this.code = code;
            this.message = message;
            this.cause = cause;
        }

        public SDKException(string code, string message)
            : this(code, message, null)
        {
        }

        public string Code { get { return code; } }

        public override string Message { get { return message; } }

        public System.Exception Cause { get { return cause; } }

        public override string ToString()
        {
            return typeof(SDKException).FullName + ". Caused by : " + (Code != null ? Code + " - " + Message : Message);
        }
    }
}

namespace Com.Zoho.Crm.API
{
    /// <summary>The user's name, "email:zgid" when the SDK builds it; the constructor refuses null.</summary>
    public class UserSignature
    {
        private readonly string name;

        public UserSignature(string name)
        {
            if (name == null)
                throw new Com.Zoho.API.Exception.SDKException("MANDATORY VALUE ERROR", "MANDATORY KEY ERROR - name");
            this.name = name;
        }

        public string Name { get { return name; } }
    }
}

namespace Com.Zoho.API.Authenticator
{
    using Com.Zoho.Crm.API;
    using Com.Zoho.Crm.API.Util;

    public interface IToken
    {
        void Authenticate(APIHTTPConnector urlConnection);

        bool Revoke(string id);

        void Remove();

        void GenerateToken();

        string GetId();
    }

    /// <summary>The SDK's token: ten settable properties and a public no-argument constructor.</summary>
    public class OAuthToken : IToken
    {
        public OAuthToken()
        {
        }

        public string ClientId { get; set; }

        public string ClientSecret { get; set; }

        public string RedirectURL { get; set; }

        public string GrantToken { get; set; }

        public string RefreshToken { get; set; }

        public string AccessToken { get; set; }

        /// <summary>The expiry time (epoch milliseconds as a string), despite the name.</summary>
        public string ExpiresIn { get; set; }

        public string Id { get; set; }

        public UserSignature UserSignature { get; set; }

        public string APIDomain { get; set; }

        public string GetId()
        {
            return Id;
        }

        public void Authenticate(APIHTTPConnector urlConnection)
        {
            throw new NotSupportedException("not part of the SDK surface the binding touches");
        }

        public bool Revoke(string id)
        {
            throw new NotSupportedException("not part of the SDK surface the binding touches");
        }

        public void Remove()
        {
            throw new NotSupportedException("not part of the SDK surface the binding touches");
        }

        public void GenerateToken()
        {
            throw new NotSupportedException("not part of the SDK surface the binding touches");
        }
    }
}

namespace Com.Zoho.API.Authenticator.Store
{
    public interface ITokenStore
    {
        IToken FindToken(IToken token);

        IToken FindTokenById(string id);

        void SaveToken(IToken token);

        void DeleteToken(string id);

        List<IToken> GetTokens();

        void DeleteTokens();
    }
}
