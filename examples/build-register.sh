#!/usr/bin/env bash
# Build the example register as a git repository with a history that shows every status:
# submissions, determinations, an appeal and a change after approval, all with fixed dates,
# made with smout itself. Usage: examples/build-register.sh DIR   (SMOUT=path/to/smout to pick
# the binary; default: `smout` on PATH)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: examples/build-register.sh DIR}
smout=${SMOUT:-smout}
# A path relative to where the script was started (SMOUT=target/release/smout) still names the
# binary after the `cd` below.
case $smout in */*) smout=$(cd "$(dirname "$smout")" && pwd)/$(basename "$smout") ;; esac
[ -e "$out" ] && { echo "$out exists; choose a new folder" >&2; exit 2; }

mkdir -p "$out"
cp -R "$here/register/." "$out/"
find "$out/records" -name determinations.toml -delete
cd "$out"
export GIT_CONFIG_NOSYSTEM=1 GIT_COMMITTER_NAME="smout example" GIT_COMMITTER_EMAIL="example@example.gov"
at() { export GIT_AUTHOR_DATE="$1T10:00:00Z" GIT_COMMITTER_DATE="$1T10:00:00Z" SMOUT_TODAY="$1"; }
drafter() { export GIT_AUTHOR_NAME="Dana Drafter" GIT_AUTHOR_EMAIL="dana.drafter@example.gov"; }
reviewer() { export GIT_AUTHOR_NAME="DHS Privacy Office" GIT_AUTHOR_EMAIL="privacy.office@example.gov"; }
add() { at "$2"; drafter; git add "records/$1"; git commit -q -m "draft $1"; }
submit() { at "$2"; drafter; "$smout" -q submit "$1"; }
determine() { local id=$1 day=$2; shift 2; at "$day"; reviewer; "$smout" -q determine "$id" --reviewed "$day" "$@"; }

git init -q -b main
at 2018-01-02; reviewer
git add smout.toml catalog.toml
git commit -q -m "register settings and catalog"

# CBP FLD: approved 9/24/18 for three years — expired since 9/24/21.
add cbp-fld 2018-06-01; submit cbp-fld 2018-06-12
determine cbp-fld 2018-09-24 --from "$here/history/cbp-fld.toml"

# TSA: approved 1/15/24 — review due by 1/15/27.
add tsa-insider-threat 2023-10-20; submit tsa-insider-threat 2023-11-01
determine tsa-insider-threat 2024-01-15 --outcome met --pia-covered DHS/TSA/PIA-048 --sorn-covered DHS/TSA-001

# ICE HSI: rules (b) and (c) not followed, explained; approved.
add ice-hsi-osint 2024-02-20; submit ice-hsi-osint 2024-03-04
determine ice-hsi-osint 2024-06-20 --outcome met --pia-covered DHS/ICE/PIA-055 --sorn-covered DHS/ICE-009 \
  --comments "Undercover identities and approved interaction are justified for this investigative use; supervisory approval is recorded per case."

# Commits are made in the order of their dates (an audit flags commit times that go back):
# the uses below were drafted and decided side by side.
# ICE ERO: authorities do not authorize the use. USCG: approved, then changed materially
# (rule c) without a new review. USCIS: requirements not yet met; training required.
add ice-ero-locate 2024-11-25; submit ice-ero-locate 2024-12-02
add uscg-port-security 2025-01-10; submit uscg-port-security 2025-01-20
determine ice-ero-locate 2025-02-10 --outcome not-authorized \
  --comments "The authorities cited do not support locating individuals through social media research."
add cis-refugee-vetting 2025-02-24; submit cis-refugee-vetting 2025-03-03
determine uscg-port-security 2025-03-10 --outcome met --pia-covered DHS/USCG/PIA-028 --sorn-covered DHS/USCG-013
determine cis-refugee-vetting 2025-05-12 --outcome not-yet-met --training-required \
  --rules-do-not-comply "Rule (g): reviews are not documented in the case file." --pia-update DHS/USCIS/PIA-013-01

# FPS: not authorized, and appealed to the Deputy Secretary.
add fps-threat-monitoring 2025-05-26; submit fps-threat-monitoring 2025-06-02
determine fps-threat-monitoring 2025-08-04 --outcome not-authorized --comments "Monitoring is broader than the cited authorities allow."
at 2025-08-20; reviewer; "$smout" -q appeal fps-threat-monitoring --outcome pending --reviewed 2025-08-20 \
  --comments "FPS appeals to the Deputy Secretary for Homeland Security."

# USCG's material change, after its approval.
at 2025-09-02; drafter
sed -i.bak 's/^public_interaction = { complies = true }/public_interaction = { complies = false, explanation = "Watch standers may message posters to confirm an incident location." }/' records/uscg-port-security/record.toml
rm records/uscg-port-security/record.toml.bak
git commit -q -am "uscg-port-security: allow messaging posters to confirm incident locations"

# CBP Directive 1450-027 requests, decided by the CBP Privacy Officer case by case.
# A news release approved with conditions; consent copies are kept five years from the release.
add opa-seizure-release 2025-10-03; submit opa-seizure-release 2025-10-06
determine opa-seizure-release 2025-10-07 --outcome approve-with-conditions --reviewer "[[b6: Ruth Adeyemi]]" \
  --finding no_unwarranted_invasion --finding criterion=8.1.2.1 \
  --conditions "Publish on or after the arraignment on October 9. Use only the blurred image submitted." \
  --comments "7.2.2.1 and 7.2.2.3 permit naming an adult with an active felony warrant; DHS Chief Privacy Officer approval (8.4) is on file."
# A response to a reporter refused: the traveler is in a protected class (7.1.3).
add opa-media-vawa 2025-10-31; submit opa-media-vawa 2025-11-03
determine opa-media-vawa 2025-11-04 --outcome disapprove --reviewer "[[b6: Ruth Adeyemi]]" \
  --comments "7.1.3: [[b3 8 USC 1367: the traveler has a pending VAWA self-petition; information protected by 8 U.S.C. § 1367 must not be disclosed, consent or not]]. Decline to comment on the individual."

# FEMA: submitted, awaiting the Privacy Office.
add fema-recovery-dev 2026-09-15; submit fema-recovery-dev 2026-10-01

# USCIS FDNS: a draft, never submitted.
add uscis-fraud-draft 2026-11-02

echo "built the example register in $out"
