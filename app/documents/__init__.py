"""Official documents as PDF — diary, assessment sheet, agreement, employment report — verifiable
by a code and a QR code that lead to a public page."""
