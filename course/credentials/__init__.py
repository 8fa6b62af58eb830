"""Credentials: certificates, their PDF and fonts, the signed credential, its keys and revocation."""
