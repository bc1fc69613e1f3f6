<?php

/**
 * TESTS ONLY. The part of the Zoho CRM PHP SDK (zohocrm/php-sdk-8.0 5.0.0) that ZohoTokenStore touches,
 * declared with the SDK's exact namespaces, names and signatures, because the real SDK cannot be
 * installed here (Packagist is unreachable). Written from the contract
 * (docs/sdk-contract.md §1, §2) and checked against the SDK's sources
 * (src/com/zoho/api/authenticator/{Token,OAuthToken,store/TokenStore}.php,
 * src/com/zoho/crm/api/{UserSignature,exception/SDKException}.php). Never ship this file: with the
 * real SDK installed, Composer's autoloader provides these classes.
 */

namespace com\zoho\crm\api\exception {

    /** As the SDK's: the code and message are its own fields; getMessage() is the message. */
    class SDKException extends \Exception
    {
        private $_message;
        private $_code;
        private $_cause;
        private $_details;

        public function __construct($code, $message, $details = null, ?\Exception $cause = null)
        {
            $this->_code = $code;
            $this->_message = $message;
            $this->_cause = $cause;
            $this->_details = $details;
            if (!$message && $cause != null) {
                $this->_message = $cause->getMessage();
            }
            parent::__construct(is_null($message) ? '' : $message);
        }

        public function getErrorCode()
        {
            return $this->_code;
        }

        public function getErrorMessage()
        {
            return $this->_message;
        }

        public function getCause()
        {
            return $this->_cause;
        }

        public function getDetails()
        {
            return $this->_details;
        }
    }
}

namespace com\zoho\crm\api {

    use com\zoho\crm\api\exception\SDKException;

    /** As the SDK's: one field, name; the constructor refuses null. */
    class UserSignature
    {
        private $name;

        public function __construct($name)
        {
            if (is_null($name)) {
                throw new SDKException('MANDATORY VALUE ERROR', 'Value missing or null - name');
            }
            $this->name = $name;
        }

        public function getName(): string
        {
            return $this->name;
        }
    }
}

namespace com\zoho\api\authenticator {

    use com\zoho\crm\api\UserSignature;
    use com\zoho\crm\api\util\APIHTTPConnector;

    interface Token
    {
        public function authenticate(APIHTTPConnector $urlConnection);

        public function revoke($id);

        public function remove();

        public function generateToken();

        public function getId();
    }

    /**
     * The SDK's OAuthToken fields, constructor, getters and setters (setUserSignature is typed, so it
     * takes no null). The OAuth flow itself (getToken, HTTP) is not part of this surface; the tests
     * replay its store calls (docs/sdk-contract.md §3) in SdkCallSequenceTest.
     */
    class OAuthToken implements Token
    {
        private $clientID = null;
        private $clientSecret = null;
        private $redirectURL = null;
        private $grantToken = null;
        private $refreshToken = null;
        private $accessToken = null;
        private $expiresIn = null;
        private $id = null;
        private $userSignature = null;
        private $apiDomain = null;
        private $findUser = true;

        public function __construct($clientID, $clientSecret, $grantToken, $refreshToken, $redirectURL = null, $id = null, $accessToken = null, $userSignature = null, $findUser = true)
        {
            $this->clientID = $clientID;
            $this->clientSecret = $clientSecret;
            $this->grantToken = $grantToken;
            $this->refreshToken = $refreshToken;
            $this->redirectURL = $redirectURL;
            $this->accessToken = $accessToken;
            $this->id = $id;
            $this->userSignature = $userSignature;
            $this->findUser = $findUser;
        }

        public function getClientId()
        {
            return $this->clientID;
        }

        public function setClientId($clientID)
        {
            $this->clientID = $clientID;
        }

        public function getClientSecret()
        {
            return $this->clientSecret;
        }

        public function setClientSecret($clientSecret)
        {
            $this->clientSecret = $clientSecret;
        }

        public function getRedirectURL()
        {
            return $this->redirectURL;
        }

        public function setRedirectURL($redirectURL)
        {
            $this->redirectURL = $redirectURL;
        }

        public function getGrantToken()
        {
            return $this->grantToken;
        }

        public function setGrantToken($grantToken)
        {
            $this->grantToken = $grantToken;
        }

        public function getRefreshToken()
        {
            return $this->refreshToken;
        }

        public function setRefreshToken($refreshToken)
        {
            $this->refreshToken = $refreshToken;
        }

        public function getAccessToken()
        {
            return $this->accessToken;
        }

        public function setAccessToken($accessToken)
        {
            $this->accessToken = $accessToken;
        }

        public function getExpiresIn()
        {
            return $this->expiresIn;
        }

        public function setExpiresIn($expiresIn)
        {
            $this->expiresIn = $expiresIn;
        }

        public function getUserSignature()
        {
            return $this->userSignature;
        }

        public function setUserSignature(UserSignature $userSignature)
        {
            $this->userSignature = $userSignature;
        }

        public function getId()
        {
            return $this->id;
        }

        public function setId($id)
        {
            $this->id = $id;
        }

        public function getAPIDomain()
        {
            return $this->apiDomain;
        }

        public function setAPIDomain($apiDomain)
        {
            $this->apiDomain = $apiDomain;
        }

        public function authenticate(APIHTTPConnector $urlConnection)
        {
            throw new \LogicException('not part of the test surface');
        }

        public function revoke($id)
        {
            throw new \LogicException('not part of the test surface');
        }

        public function remove()
        {
            throw new \LogicException('not part of the test surface');
        }

        public function generateToken()
        {
            throw new \LogicException('not part of the test surface');
        }
    }
}

namespace com\zoho\api\authenticator\store {

    use com\zoho\api\authenticator\Token;

    interface TokenStore
    {
        public function findToken(Token $token);

        public function findTokenById($id);

        public function saveToken(Token $token);

        public function deleteToken($id);

        public function getTokens();

        public function deleteTokens();
    }
}
