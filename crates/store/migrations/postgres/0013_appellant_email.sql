-- An appellant who is not in the register may leave an e-mail address besides (or instead
-- of) a phone, to be told the tracking code on acceptance and resolution.
ALTER TABLE appeals ADD COLUMN appellant_email TEXT;
