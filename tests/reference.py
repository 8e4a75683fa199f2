"""The link from the reference letter (../shared/reference/), as printed and as meant.

As printed: a space inside the 14-digit timestamp, markdown-escaped underscores, and the hyphens
of `audits-and-advisory-visits` and `executive-summary` lost at line ends.
"""

REFERENCE_LINK_DAMAGED = (
    "https://webarchive.nationalarchives.gov.uk/ukgwa/2022020121041 3mp\\_/https://ico.org.uk/media/"
    "action-weve-taken/audits-andadvisory-visits/4018997/metropolitan-police-service-executivesummary-v1\\_0.pdf"
)
REFERENCE_LINK = (
    "https://webarchive.nationalarchives.gov.uk/ukgwa/20220201210413mp_/https://ico.org.uk/media/"
    "action-weve-taken/audits-and-advisory-visits/4018997/metropolitan-police-service-executive-summary-v1_0.pdf"
)
