// What people call their organisation when it is not its full name: the names and short forms
// used on site signs, in email signatures and in conversation. Keyed by the organisation's full
// name as it is on the NHS list. Used by the type-ahead (typing "UCLH" finds University College
// London Hospitals) and by the email import (a message saying "St James's" is Leeds Teaching
// Hospitals). Add to it freely: a short form that two organisations share must not be listed.
const ORGANISATION_ALIASES: Record<string, string[]> = {
  "Guy's and St Thomas' NHS Foundation Trust": ["Guy's", 'Guys', "St Thomas'", 'St Thomas', 'GSTT', "Guy's and St Thomas'"],
  'University College London Hospitals NHS Foundation Trust': ['UCLH', 'UCH', 'University College Hospital'],
  'Leeds Teaching Hospitals NHS Trust': ["St James's", 'St James', 'Jimmy’s', "Jimmy's", 'Leeds General Infirmary', 'LGI', 'LTHT'],
  'Barts Health NHS Trust': ['Barts', "St Bartholomew's", 'Royal London Hospital', 'Whipps Cross'],
  "King's College Hospital NHS Foundation Trust": ["King's", 'Kings College Hospital', 'KCH', 'Princess Royal University Hospital'],
  'Imperial College Healthcare NHS Trust': ['Imperial', "St Mary's Paddington", 'Hammersmith Hospital', 'Charing Cross Hospital'],
  'Great Ormond Street Hospital for Children NHS Foundation Trust': ['GOSH', 'Great Ormond Street'],
  'Cambridge University Hospitals NHS Foundation Trust': ["Addenbrooke's", 'Addenbrookes', 'CUH'],
  'Oxford University Hospitals NHS Foundation Trust': ['John Radcliffe', 'OUH', 'Churchill Hospital'],
  'Manchester University NHS Foundation Trust': ['MFT', 'Manchester Royal Infirmary', 'Wythenshawe Hospital'],
  'The Newcastle upon Tyne Hospitals NHS Foundation Trust': ['Freeman Hospital', 'Royal Victoria Infirmary', 'RVI'],
  'Sheffield Teaching Hospitals NHS Foundation Trust': ['Northern General', 'Royal Hallamshire', 'Weston Park'],
  'Nottingham University Hospitals NHS Trust': ["Queen's Medical Centre", 'QMC', 'City Hospital Nottingham'],
  'University Hospitals Birmingham NHS Foundation Trust': ['UHB', 'Queen Elizabeth Hospital Birmingham', 'QEHB'],
  'University Hospitals Bristol and Weston NHS Foundation Trust': ['Bristol Royal Infirmary', 'BRI', 'Bristol Haematology and Oncology Centre'],
  'NHS Greater Glasgow and Clyde': ['NHSGGC', 'GGC', 'Queen Elizabeth University Hospital', 'Beatson'],
  'NHS Lothian': ['Royal Infirmary of Edinburgh', 'Western General'],
  'Cardiff and Vale University Health Board': ['University Hospital of Wales', 'UHW'],
  'Belfast Health and Social Care Trust': ['Belfast Trust', 'Royal Victoria Hospital Belfast', 'Belfast City Hospital'],
};

/** The aliases of an organisation on the list, by its full name. */
export const aliasesOf = (name: string): string[] => ORGANISATION_ALIASES[name] ?? [];
